import Foundation

/// Which push endpoints the chat sends to: `https` on a public host. An endpoint is a URL
/// any member can send, and the server or chatt-push would then post to it, so a host on
/// loopback, a private network or a link-local address is refused (it could reach services
/// that are not meant to be reached from outside). Tests allow loopback, and `http` there.
///
/// Host names are judged by their text only (`localhost`, `*.localhost`, `*.local`,
/// `*.internal`, literal addresses); a public name that resolves to a private address is
/// not caught here.
public struct EndpointPolicy: Sendable, Hashable {
    /// Whether `http(s)://127.x.x.x`, `[::1]` and `localhost` endpoints are accepted: for
    /// tests only (`--push-allow-loopback`).
    public var allowsLoopback: Bool

    /// The production policy: `https`, public hosts only.
    public static let production = EndpointPolicy(allowsLoopback: false)

    /// A policy; `allowsLoopback` is for tests.
    public init(allowsLoopback: Bool) {
        self.allowsLoopback = allowsLoopback
    }

    /// Throws when `endpoint` may not be sent to.
    public func check(endpoint: String) throws(PushSubscriptionError) {
        guard !endpoint.isEmpty else { throw .badEndpoint("missing") }
        guard endpoint.utf8.count <= PushSubscription.maximumEndpointBytes else {
            throw .badEndpoint("longer than \(PushSubscription.maximumEndpointBytes) bytes")
        }
        guard endpoint.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value != 0x7F }) else {
            throw .badEndpoint("must be an ASCII URL without spaces or control characters")
        }
        guard let components = URLComponents(string: endpoint), let scheme = components.scheme?.lowercased(),
              let host = components.host?.lowercased(), !host.isEmpty
        else {
            throw .badEndpoint("not a URL with a host")
        }
        guard components.user == nil, components.password == nil else {
            throw .badEndpoint("must not carry a user name or password")
        }
        let bareHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let kind = HostKind(of: bareHost)
        switch (scheme, kind) {
        case ("https", .public):
            return
        case ("https", .loopback), ("http", .loopback):
            guard allowsLoopback else {
                throw .badEndpoint("\(host) is a loopback address (allowed only by the test setting --push-allow-loopback)")
            }
        case ("http", _):
            throw .badEndpoint("must be https, not http")
        case ("https", .restricted):
            throw .badEndpoint("\(host) is a private, link-local or local address")
        default:
            throw .badEndpoint("must be https, not \(scheme)")
        }
    }

    /// `scheme://host[:port]` of `endpoint`, or `nil` when it is not a URL with a host.
    public static func origin(of endpoint: String) -> String? {
        guard let components = URLComponents(string: endpoint), let scheme = components.scheme?.lowercased(),
              let host = components.percentEncodedHost, !host.isEmpty
        else { return nil }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host.lowercased())\(port)"
    }
}
