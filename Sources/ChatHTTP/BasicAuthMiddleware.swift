public import Hummingbird
#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// Lets a request through only with the right HTTP Basic credentials; otherwise 401 with
/// `WWW-Authenticate: Basic realm="ChaTT"`.
///
/// The comparison takes the same time whichever byte differs, so a stranger cannot find the
/// pair one character at a time.
public struct BasicAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let credentials: HTTPCredentials

    /// Demands `credentials`.
    public init(credentials: HTTPCredentials) {
        self.credentials = credentials
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard accepts(request.headers[.authorization]) else {
            throw HTTPError(
                .unauthorized, headers: [.wwwAuthenticate: #"Basic realm="ChaTT", charset="UTF-8""#],
                message: "this chat is protected: send the login and password derived from the passphrase (HTTP Basic)")
        }
        return try await next(request, context)
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
