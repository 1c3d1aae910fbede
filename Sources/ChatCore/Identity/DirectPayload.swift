import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A direct message (SPEC.md): published on `direct/<a>/<b>` (the two nicknames in
/// code-point order, outside `rooms/#` and `users/#`, so original clients never see it),
/// payload `{"from","to","id","ts","nonce","ct","sig"}`. Only the holders of the two
/// nicknames' keys can read it; memorize stores it as it comes.
///
/// `ct` is AES-256-GCM of the JSON `{"replyTo","text"}` (the ciphertext, then the 16-byte
/// tag, base64url) under `HKDF-SHA256(X25519(own, peer), salt = "<a>\n<b>", info
/// "chatt-direct", 32 bytes)`; `nonce` is 12 random bytes, base64url.
public struct DirectPayload: Sendable, Hashable, Codable {
    /// Who writes.
    public var from: Nickname
    /// To whom.
    public var to: Nickname
    /// The message's id.
    public var id: EventID
    /// When, in milliseconds since 1970.
    public var ts: Int64
    /// The AES-GCM nonce, base64url.
    public var nonce: String
    /// The ciphertext and its tag, base64url.
    public var ct: String
    /// `from`'s signature of ``SignatureInput/direct(_:)``.
    public var sig: String

    /// What a direct message says, once opened.
    public struct Content: Sendable, Hashable, Codable {
        /// The text.
        public var text: String
        /// The message it answers, if any.
        public var replyTo: EventID?

        /// Creates the content.
        public init(text: String, replyTo: EventID? = nil) {
            self.text = text
            self.replyTo = replyTo
        }
    }

    /// The topic of a conversation between `a` and `b`: `direct/<first>/<second>` in
    /// code-point order.
    public static func topic(_ a: Nickname, _ b: Nickname) -> String {
        let (first, second) = ordered(a, b)
        return "direct/\(first.rawValue)/\(second.rawValue)"
    }

    static func ordered(_ a: Nickname, _ b: Nickname) -> (Nickname, Nickname) {
        a.rawValue.unicodeScalars.lexicographicallyPrecedes(b.rawValue.unicodeScalars, by: { $0.value < $1.value })
            || a == b ? (a, b) : (b, a)
    }

    /// The AES key `own` and `peer` share for a conversation between `a` and `b`.
    static func conversationKey(own: IdentityKeys, peer: PublicIdentity, between a: Nickname, and b: Nickname) throws -> SymmetricKey {
        let (first, second) = ordered(a, b)
        let shared = try own.agreement.sharedSecretFromKeyAgreement(with: try peer.agreement)
        return shared.hkdfDerivedSymmetricKey(
            using: SHA256.self, salt: Array("\(first.rawValue)\n\(second.rawValue)".utf8),
            sharedInfo: Array("chatt-direct".utf8), outputByteCount: 32)
    }

    /// Encrypts and signs `content` from `keys`' holder to `to`, whose keys are `peer`.
    /// `nonce` is random unless given (tests).
    public init(sealing content: Content, from keys: IdentityKeys, to: Nickname, peer: PublicIdentity,
                id: EventID, ts: Int64, nonce: [UInt8]? = nil) throws {
        let key = try Self.conversationKey(own: keys, peer: peer, between: keys.nick, and: to)
        let gcmNonce = try nonce.map { try AES.GCM.Nonce(data: $0) } ?? AES.GCM.Nonce()
        let box = try AES.GCM.seal(encodePayload(content), using: key, nonce: gcmNonce)
        from = keys.nick
        self.to = to
        self.id = id
        self.ts = ts
        self.nonce = Base64URL.encode(gcmNonce)
        ct = Base64URL.encode(box.ciphertext + box.tag)
        sig = ""
        sig = keys.signature(for: .direct(self))
    }

    /// Decodes and checks the shape of a payload received on `topic` (`direct/<a>/<b>`):
    /// the topic names `from` and `to` in order, the nonce is 12 bytes and `ct` holds a tag.
    public init(decoding bytes: some Collection<UInt8>, topic: String) throws(PayloadError) {
        let fields = try payloadFields(bytes, limit: 64 * 1024)
        from = try fields.author("from")
        to = try fields.author("to")
        id = try fields.eventID("id")
        ts = try fields.timestamp()
        nonce = try fields.requiredString("nonce")
        ct = try fields.requiredString("ct")
        sig = try fields.requiredString("sig")
        guard Base64URL.decode(nonce)?.count == 12 else { throw .invalidField(field: "nonce", reason: "must be 12 bytes in base64url") }
        guard let sealed = Base64URL.decode(ct), sealed.count >= 16 else {
            throw .invalidField(field: "ct", reason: "must be the ciphertext and its 16-byte tag in base64url")
        }
        guard topic == Self.topic(from, to) else {
            throw .invalidField(field: "to", reason: "the topic must be \(Self.topic(from, to))")
        }
    }

    /// Whether `from`'s key `identity` signed it.
    public func isSigned(by identity: PublicIdentity) -> Bool {
        identity.verifies(sig, for: .direct(self))
    }

    /// Decrypts it with `keys` (its sender's or its recipient's), `peer` being the other
    /// side's public keys.
    ///
    /// - Throws: when the keys are not the right ones or the message was altered.
    public func open(with keys: IdentityKeys, peer: PublicIdentity) throws -> Content {
        let other = keys.nick == from ? to : from
        let key = try Self.conversationKey(own: keys, peer: peer, between: keys.nick, and: other)
        guard let nonceBytes = Base64URL.decode(nonce), let sealed = Base64URL.decode(ct), sealed.count >= 16 else {
            throw DirectMessageError.malformed
        }
        let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonceBytes), ciphertext: sealed.dropLast(16), tag: sealed.suffix(16))
        let plaintext = try AES.GCM.open(box, using: key)
        do {
            return try JSONDecoder().decode(Content.self, from: plaintext)
        } catch {
            throw DirectMessageError.malformed
        }
    }

    /// The payload as compact JSON, ready to publish.
    public var jsonBytes: [UInt8] { encodePayload(self) }
}

/// A direct message that does not open.
public enum DirectMessageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Its fields or its content are not what a direct message holds.
    case malformed

    public var description: String { "not a well-formed direct message" }
}
