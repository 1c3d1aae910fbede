/// The payload of `users/<nick>/key` (retained): `{"sign","dh","ts","sig"}`, the nickname's
/// public keys, signed by its own signing key. memorize pins the first key it sees for a
/// nickname; another key later is refused.
public struct KeyAnnouncementPayload: Sendable, Hashable, Codable {
    /// The Ed25519 public key, base64url.
    public var sign: String
    /// The X25519 public key, base64url.
    public var dh: String
    /// When, in milliseconds since 1970.
    public var ts: Int64
    /// The signature of ``SignatureInput/key(_:of:)`` by `sign`'s key.
    public var sig: String

    /// Announces `keys` at `ts`, signed.
    public init(keys: IdentityKeys, ts: Int64) {
        let identity = keys.publicIdentity
        sign = identity.sign
        dh = identity.dh
        self.ts = ts
        sig = ""
        sig = keys.signature(for: .key(self, of: keys.nick))
    }

    /// Decodes a payload received from the broker and checks that its keys are keys and
    /// that it is signed by its own signing key.
    public init(decoding bytes: some Collection<UInt8>, of nick: Nickname) throws(PayloadError) {
        let fields = try payloadFields(bytes, limit: 4096)
        sign = try fields.requiredString("sign")
        dh = try fields.requiredString("dh")
        ts = try fields.timestamp()
        sig = try fields.requiredString("sig")
        let identity = try PublicIdentity(sign: sign, dh: dh)
        guard Base64URL.decode(sig)?.count == 64 else {
            throw .invalidField(field: "sig", reason: "must be a 64-byte Ed25519 signature in base64url")
        }
        guard identity.verifies(sig, for: .key(self, of: nick)) else {
            throw .invalidField(field: "sig", reason: "not a signature of these keys by their own signing key")
        }
    }

    /// The announced keys.
    public var identity: PublicIdentity {
        get throws(PayloadError) { try PublicIdentity(sign: sign, dh: dh) }
    }

    /// The payload as compact JSON, ready to publish (retained).
    public var jsonBytes: [UInt8] { encodePayload(self) }
}
