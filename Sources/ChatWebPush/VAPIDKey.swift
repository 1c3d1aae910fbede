import ChatCore
import Crypto
public import Foundation

/// The chat's VAPID key pair (RFC 8292): an ES256 (P-256) key that signs a short token with
/// every push, so push services know which application server sends. Made once and kept in
/// the database (``storedValue``); browsers subscribe with its public key
/// (``publicKeyBase64URL``, the `applicationServerKey`).
public struct VAPIDKey: Sendable {
    /// The private key's 32 bytes (swift-crypto's key type is not `Sendable`).
    private let rawKey: [UInt8]
    /// The uncompressed public key (65 bytes) as base64url: the page's `applicationServerKey`
    /// and the `k=` of the `Authorization` header.
    public let publicKeyBase64URL: String

    /// A fresh key pair.
    public init() {
        let key = P256.Signing.PrivateKey()
        rawKey = Array(key.rawRepresentation)
        publicKeyBase64URL = Base64URL.encode(key.publicKey.x963Representation)
    }

    /// The key pair kept as ``storedValue``; `nil` when `storedValue` is not one.
    public init?(storedValue: String) {
        guard let raw = Base64URL.decode(storedValue),
              let key = try? P256.Signing.PrivateKey(rawRepresentation: raw) else { return nil }
        rawKey = raw
        publicKeyBase64URL = Base64URL.encode(key.publicKey.x963Representation)
    }

    /// The private key's 32 bytes as base64url: what the database keeps.
    public var storedValue: String {
        Base64URL.encode(rawKey)
    }

    /// The `Authorization` header value for a push to `endpoint`:
    /// `vapid t=<ES256 JWT>, k=<public key>`.
    ///
    /// - Parameters:
    ///   - subject: a `mailto:` or `https:` contact for the push service's operators.
    ///   - now: the time the token starts from.
    ///   - lifetime: how long it is valid; at most 24 hours (RFC 8292 §2), 12 by default.
    public func authorization(for endpoint: String, subject: String, now: Date = Date(),
                              lifetime: Duration = .seconds(12 * 3_600)) throws -> String {
        let token = try token(audience: EndpointPolicy.origin(of: endpoint) ?? endpoint, subject: subject,
                              now: now, lifetime: lifetime)
        return "vapid t=\(token), k=\(publicKeyBase64URL)"
    }

    /// The signed JWT: header `{"typ":"JWT","alg":"ES256"}`, claims `aud`, `exp`, `sub`.
    public func token(audience: String, subject: String, now: Date = Date(),
                      lifetime: Duration = .seconds(12 * 3_600)) throws -> String {
        let seconds = min(lifetime.components.seconds, 24 * 3_600)
        let claims = Claims(aud: audience, exp: Int64(now.timeIntervalSince1970) + seconds, sub: subject)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let header = Base64URL.encode(Array(#"{"typ":"JWT","alg":"ES256"}"#.utf8))
        let body = Base64URL.encode(Array(try encoder.encode(claims)))
        let signingInput = "\(header).\(body)"
        let privateKey = try P256.Signing.PrivateKey(rawRepresentation: rawKey)
        let signature = try privateKey.signature(for: Array(signingInput.utf8))
        return "\(signingInput).\(Base64URL.encode(signature.rawRepresentation))"
    }

    private struct Claims: Encodable {
        var aud: String
        var exp: Int64
        var sub: String
    }
}

/// The contact a VAPID token names when none is configured.
public enum VAPIDSubject {
    /// `mailto:chatt@localhost`: push services accept it; an operator should give a real one.
    public static let `default` = "mailto:chatt@localhost"

    /// Whether `subject` is a `mailto:` or `https:` URL, as RFC 8292 asks.
    public static func isValid(_ subject: String) -> Bool {
        (subject.hasPrefix("mailto:") && subject.count > 7) || (subject.hasPrefix("https://") && subject.count > 8)
    }
}
