public import Hummingbird
public import Logging
#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// Lets a request through only with the right HTTP Basic credentials; otherwise 401.
///
/// The 401 carries no `WWW-Authenticate: Basic` challenge: the original page fetches
/// `/data/lastinfo` without credentials, and a browser answering a Basic challenge opens its
/// own sign-in dialog over the page and leaves the request pending, so the page hangs. Our
/// page sends the credentials itself (HTTP Basic, derived from the passphrase); the body says so.
///
/// Wrong credentials are counted per client address (the socket's peer, or the address a
/// trusted proxy names): past the limit, the address gets 429 with `Retry-After` and its
/// credentials are not even checked until the window ends (``AuthFailureLimiter``).
///
/// The comparison takes the same time whichever byte differs, so a stranger cannot find the
/// pair one character at a time.
public struct BasicAuthMiddleware<Context: PeerAwareRequestContext>: RouterMiddleware {
    let credentials: HTTPCredentials
    let limiter: AuthFailureLimiter
    let resolver: ClientAddressResolver
    let logger: Logger

    /// Demands `credentials`; the client address is the socket's peer, or the one a proxy of
    /// `trustedProxies` names in `X-Forwarded-For`.
    public init(
        credentials: HTTPCredentials, trustedProxies: [PeerAddress] = [],
        logger: Logger = Logger(label: "chatt.server")
    ) {
        self.init(credentials: credentials, limiter: AuthFailureLimiter(),
                  resolver: ClientAddressResolver(trustedProxies: Set(trustedProxies)), logger: logger)
    }

    init(credentials: HTTPCredentials, limiter: AuthFailureLimiter, resolver: ClientAddressResolver, logger: Logger) {
        self.credentials = credentials
        self.limiter = limiter
        self.resolver = resolver
        self.logger = logger
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        try check(request, context: context)
        return try await next(request, context)
    }

    /// Throws the 401 (or 429) for a request without the right pair.
    func check(_ request: Request, context: Context) throws {
        guard let header = request.headers[.authorization] else { throw Self.unauthorized() }
        let client = resolver.clientAddress(peer: context.peer, forwardedFor: request.headers[values: .forwardedFor])
        if let wait = limiter.retryAfter(client) {
            let seconds = max(1, Int(wait.components.seconds) + (wait.components.attoseconds > 0 ? 1 : 0))
            throw HTTPError(
                .tooManyRequests, headers: [.retryAfter: String(seconds)],
                message: "too many wrong passphrases from this address: try again in \(seconds) s")
        }
        guard accepts(header) else {
            limiter.recordFailure(client)
            if limiter.retryAfter(client) != nil {
                logger.warning("wrong credentials: address blocked for a while",
                               metadata: ["client": "\(client)", "failures": "\(limiter.maximumFailures)",
                                          "window_s": "\(limiter.window.components.seconds)"])
            }
            throw Self.unauthorized()
        }
        limiter.recordSuccess(client)
    }

    /// The 401 for a request without the right pair, without a challenge (see above).
    static func unauthorized() -> HTTPError {
        HTTPError(.unauthorized, message: Self.refusal)
    }

    /// What a refused client is told.
    static var refusal: String {
        "this chat is protected: send the login and password derived from the passphrase "
            + "in an Authorization: Basic header (the ChaTT page does this itself once the passphrase is typed)"
    }

    /// Whether an `Authorization` header value carries the expected pair.
    func accepts(_ header: String?) -> Bool {
        guard let header, header.count > 6, header.prefix(6).lowercased() == "basic " else { return false }
        let encoded = header.dropFirst(6).trimmingASCIIWhitespace()
        guard let data = Data(base64Encoded: encoded),
              let colon = data.firstIndex(of: UInt8(ascii: ":"))
        else { return false }
        let login = data[..<colon], password = data[data.index(after: colon)...]
        // Evaluate both, always, so the time does not tell which one was wrong.
        let loginMatches = constantTimeEqual(login, Array(credentials.login.utf8))
        let passwordMatches = constantTimeEqual(password, Array(credentials.password.utf8))
        return loginMatches && passwordMatches
    }
}

/// Compares two byte strings in a time that depends only on their lengths.
func constantTimeEqual(_ lhs: some Collection<UInt8>, _ rhs: [UInt8]) -> Bool {
    let left = Array(lhs)
    var difference = UInt8(truncatingIfNeeded: left.count ^ rhs.count)
    if left.count != rhs.count { difference |= 1 }
    let length = max(left.count, rhs.count)
    for index in 0..<length {
        let a = index < left.count ? left[index] : 0
        let b = index < rhs.count ? rhs[index] : 0
        difference |= a ^ b
    }
    return difference == 0
}
