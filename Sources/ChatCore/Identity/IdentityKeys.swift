import Crypto

/// A member's keys, made from a personal secret and a nickname (SPEC.md, "Identity and
/// direct messages"): the same secret gives the same keys on every device, and no server
/// ever holds the secret.
///
/// ```text
/// seed        = PBKDF2-HMAC-SHA256(secret, "chatt-id:" + nick, 600,000, 32 bytes)
/// signing key = Ed25519 from HKDF-SHA256(seed, no salt, "chatt-sign", 32 bytes)
/// DH key      = X25519   from HKDF-SHA256(seed, no salt, "chatt-dh", 32 bytes)
/// ```
public struct IdentityKeys: Sendable {
    /// The nickname the keys belong to.
    public let nick: Nickname
    /// The Ed25519 private key's 32-byte seed.
    private let signingSeed: [UInt8]
    /// The X25519 private key's 32 bytes.
    private let agreementBytes: [UInt8]

    /// PBKDF2's iteration count, as for the strong passphrase scheme.
    public static let iterations = 600_000

    /// Derives the keys; PBKDF2's 600,000 iterations take a fraction of a second in a
    /// release build.
    public init(secret: String, nick: Nickname) {
        self.init(secret: secret, nick: nick, iterations: Self.iterations)
    }

    init(secret: String, nick: Nickname, iterations: Int) {
        let seed = StrongCredentials.derive(Array(secret.utf8), salt: Array(("chatt-id:" + nick.rawValue).utf8),
                                            iterations: iterations, byteCount: 32)
        self.init(seed: seed, nick: nick)
    }

    /// The keys from a 32-byte seed: the one PBKDF2 gives, or random bytes (`bot`'s keys,
    /// which memorize makes once and keeps in its database).
    public init(seed: [UInt8], nick: Nickname) {
        self.nick = nick
        let input = SymmetricKey(data: seed)
        signingSeed = Self.expand(input, info: "chatt-sign")
        agreementBytes = Self.expand(input, info: "chatt-dh")
    }

    /// The signing key (Ed25519).
    var signing: Curve25519.Signing.PrivateKey {
        // Any 32 bytes make a valid Curve25519 private key.
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: signingSeed) else {
            preconditionFailure("Curve25519 refused 32 bytes")
        }
        return key
    }

    /// The agreement key (X25519).
    var agreement: Curve25519.KeyAgreement.PrivateKey {
        guard let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: agreementBytes) else {
            preconditionFailure("Curve25519 refused 32 bytes")
        }
        return key
    }

    /// HKDF-SHA256 with no salt, 32 bytes.
    static func expand(_ key: SymmetricKey, info: String) -> [UInt8] {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Array(info.utf8), outputByteCount: 32)
            .withUnsafeBytes { Array($0) }
    }

    /// The public half, as announced on `users/<nick>/key`.
    public var publicIdentity: PublicIdentity {
        PublicIdentity(signKey: Array(signing.publicKey.rawRepresentation), dhKey: Array(agreement.publicKey.rawRepresentation))
    }

    /// Signs `input` (see ``SignatureInput``): the `sig` field, base64url.
    public func signature(for input: SignatureInput) -> String {
        do {
            return Base64URL.encode(try signing.signature(for: input.bytes))
        } catch {
            preconditionFailure("Ed25519 signing failed: \(error)")
        }
    }
}
