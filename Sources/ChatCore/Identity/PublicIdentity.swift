import Crypto

/// The public keys of a nickname: what `users/<nick>/key` announces, what memorize pins,
/// and what checks a signature.
public struct PublicIdentity: Sendable, Hashable, CustomStringConvertible {
    /// The Ed25519 public key's 32 bytes.
    let signKey: [UInt8]
    /// The X25519 public key's 32 bytes.
    let dhKey: [UInt8]

    init(signKey: [UInt8], dhKey: [UInt8]) {
        self.signKey = signKey
        self.dhKey = dhKey
    }

    /// The keys from their base64url text (`sign`, `dh`).
    ///
    /// - Throws: ``PayloadError`` naming the field that is not a 32-byte key in base64url.
    public init(sign: String, dh: String) throws(PayloadError) {
        guard let signBytes = Base64URL.decode(sign), signBytes.count == 32,
              (try? Curve25519.Signing.PublicKey(rawRepresentation: signBytes)) != nil
        else { throw .invalidField(field: "sign", reason: "must be an Ed25519 public key: 32 bytes in base64url") }
        guard let dhBytes = Base64URL.decode(dh), dhBytes.count == 32,
              (try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: dhBytes)) != nil
        else { throw .invalidField(field: "dh", reason: "must be an X25519 public key: 32 bytes in base64url") }
        signKey = signBytes
        dhKey = dhBytes
    }

    /// The signing key in base64url.
    public var sign: String { Base64URL.encode(signKey) }
    /// The agreement key in base64url.
    public var dh: String { Base64URL.encode(dhKey) }

    /// The agreement key, for X25519.
    var agreement: Curve25519.KeyAgreement.PublicKey {
        get throws { try Curve25519.KeyAgreement.PublicKey(rawRepresentation: dhKey) }
    }

    /// Whether `signature` (base64url) is this key's signature of `input`.
    public func verifies(_ signature: String, for input: SignatureInput) -> Bool {
        guard let bytes = Base64URL.decode(signature), bytes.count == 64,
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: signKey)
        else { return false }
        return key.isValidSignature(bytes, for: input.bytes)
    }

    public var description: String { "sign \(sign), dh \(dh)" }
}
