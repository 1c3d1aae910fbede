/// Why a push subscription is refused, said so that whoever sent it can fix it.
public enum PushSubscriptionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The endpoint is not a URL, not https, too long, or names a host that may not be reached.
    case badEndpoint(String)
    /// `p256dh` or `auth` is not what RFC 8291 needs.
    case malformedKey(String)

    public var description: String {
        switch self {
        case .badEndpoint(let reason): "endpoint: \(reason)"
        case .malformedKey(let reason): reason
        }
    }
}
