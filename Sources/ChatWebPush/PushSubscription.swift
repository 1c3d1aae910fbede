import ChatCore
import Foundation

/// Where and how a browser asked to be notified (the Push API's `PushSubscription`): its
/// push service's endpoint and the keys that encrypt for it (RFC 8291), checked.
///
/// Made only through ``init(endpoint:p256dh:auth:policy:)``, so a value of this type is a
/// subscription that may be stored and sent to.
public struct PushSubscription: Sendable, Hashable {
    /// The push service's URL for this browser: an `https` URL (or `http` on loopback when
    /// the ``EndpointPolicy`` allows loopback, for tests).
    public let endpoint: String
    /// The browser's P-256 public key, 65 bytes, uncompressed (`0x04 ‖ x ‖ y`).
    public let p256dh: [UInt8]
    /// The browser's 16-byte authentication secret.
    public let auth: [UInt8]

    /// The longest endpoint accepted, in bytes (push services use a few hundred).
    public static let maximumEndpointBytes = 2_048

    /// Checks a subscription as a browser sends it: `p256dh` and `auth` in base64url
    /// (padding tolerated, as some browsers add it).
    ///
    /// - Throws: ``PushSubscriptionError`` saying what is wrong.
    public init(endpoint: String, p256dh: String, auth: String, policy: EndpointPolicy) throws(PushSubscriptionError) {
        try policy.check(endpoint: endpoint)
        guard let key = Base64URL.decode(Self.unpadded(p256dh)) else {
            throw .malformedKey("keys.p256dh is not base64url")
        }
        guard key.count == 65, key.first == 0x04 else {
            throw .malformedKey("keys.p256dh must be an uncompressed P-256 point (65 bytes starting with 0x04), not \(key.count) bytes")
        }
        guard PushEncryption.isValidPublicKey(key) else {
            throw .malformedKey("keys.p256dh is not a point of the P-256 curve")
        }
        guard let secret = Base64URL.decode(Self.unpadded(auth)) else {
            throw .malformedKey("keys.auth is not base64url")
        }
        guard secret.count == 16 else {
            throw .malformedKey("keys.auth must be 16 bytes, not \(secret.count)")
        }
        self.endpoint = endpoint
        self.p256dh = key
        self.auth = secret
    }

    /// A subscription read back from the store, checked again (the policy may have changed).
    public init(endpoint: String, p256dh: [UInt8], auth: [UInt8], policy: EndpointPolicy) throws(PushSubscriptionError) {
        try self.init(endpoint: endpoint, p256dh: Base64URL.encode(p256dh), auth: Base64URL.encode(auth), policy: policy)
    }

    /// The origin of ``endpoint`` (`scheme://host[:port]`), VAPID's `aud` claim.
    public var origin: String {
        EndpointPolicy.origin(of: endpoint) ?? endpoint
    }

    private static func unpadded(_ text: String) -> String {
        var text = Substring(text)
        while text.hasSuffix("=") { text = text.dropLast() }
        return String(text)
    }
}
