@testable import ChatCore
import Foundation
import Testing

/// SPEC.md "Identity and direct messages (v2)" against `identity-vectors.json`, which
/// `make-identity-vectors.py` computed with hashlib and the cryptography package; the
/// page's tests (web/test/identity.test.mjs) read the same file.
@Suite("Signed nicknames and direct messages")
struct IdentityTests {
    struct File: Decodable, Sendable {
        struct Identity: Decodable, Sendable {
            let secret, nick, seed, signSeed, dhPrivate, sign, dh: String
        }
        struct Signature: Decodable, Sendable {
            let signer, topic, input, sig: String
            let fields: [String]
        }
        struct Direct: Decodable, Sendable {
            let topic, plaintext, text: String
            let replyTo: String?
            let envelope: Envelope
            let signatureInput: String
        }
        struct Envelope: Codable, Sendable {
            let from, to, id, nonce, ct, sig: String
            let ts: Int64
        }
        let identities: [Identity]
        let signatures: [Signature]
        let direct: [Direct]
    }

    static let vectors = Fixtures.load(File.self, "identity-vectors.json")
    /// The keys of each identity, derived once (600,000 PBKDF2 iterations each).
    static let keys: [String: IdentityKeys] = {
        var keys: [String: IdentityKeys] = [:]
        for identity in vectors.identities where keys[identity.nick] == nil {
            keys[identity.nick] = IdentityKeys(secret: identity.secret, nick: try! Nickname(identity.nick))
        }
        return keys
    }()

    @Test("a secret and a nickname give the vectors' keys; another secret gives other keys")
    func keysFromSecret() throws {
        for identity in Self.vectors.identities {
            let keys = IdentityKeys(secret: identity.secret, nick: try Nickname(identity.nick))
            #expect(keys.publicIdentity.sign == identity.sign, "\(identity.secret)")
            #expect(keys.publicIdentity.dh == identity.dh, "\(identity.secret)")
        }
        #expect(Self.vectors.identities[0].sign != Self.vectors.identities[2].sign)
    }

    @Test("each event's signature input and signature are the vectors'; a changed field fails")
    func signatures() throws {
        for vector in Self.vectors.signatures {
            let input = SignatureInput(topic: vector.topic, fields: vector.fields)
            #expect(input.text == vector.input)
            let keys = try #require(Self.keys[vector.signer])
            #expect(keys.signature(for: input) == vector.sig, "\(vector.topic)")
            #expect(keys.publicIdentity.verifies(vector.sig, for: input))
            var changed = vector.fields
            changed[changed.count - 1] += "!"
            #expect(!keys.publicIdentity.verifies(vector.sig, for: SignatureInput(topic: vector.topic, fields: changed)))
        }
    }

    @Test("the typed events build the same inputs as the vectors")
    func typedInputs() throws {
        let byTopic = Dictionary(grouping: Self.vectors.signatures, by: \.topic)
        let newtext = try #require(byTopic["rooms/main/newtext"]?[1])
        let reply = NewTextPayload(author: try Nickname("alice"), text: newtext.fields[4], id: newtext.fields[0],
                                   ts: Int64(newtext.fields[1]), replyTo: EventID(rawValue: newtext.fields[3]))
        #expect(SignatureInput.message(reply, in: .main)?.text == newtext.input)
        let react = try #require(byTopic["rooms/main/react"]?[0])
        let reaction = ReactPayload(author: try Nickname("bob"), id: try EventID(react.fields[0]), ts: Int64(react.fields[1]) ?? 0,
                                    target: try EventID(react.fields[3]), emoji: react.fields[5], on: react.fields[4] == "1")
        #expect(SignatureInput.react(reaction, in: .main).text == react.input)
    }

    @Test("a key announcement is signed by its own key; a forged one is refused")
    func keyAnnouncement() throws {
        let alice = try #require(Self.keys["alice"])
        let announcement = KeyAnnouncementPayload(keys: alice, ts: 1_800_000_000_000)
        let vector = try #require(Self.vectors.signatures.first { $0.topic == "users/alice/key" })
        #expect(announcement.sig == vector.sig)
        #expect(try KeyAnnouncementPayload(decoding: announcement.jsonBytes, of: try Nickname("alice")) == announcement)
        // The same keys announced for bob: the signature covers the topic.
        #expect(throws: PayloadError.self) { try KeyAnnouncementPayload(decoding: announcement.jsonBytes, of: try Nickname("bob")) }
        var forged = announcement
        forged.dh = try #require(Self.keys["bob"]).publicIdentity.dh
        #expect(throws: PayloadError.self) { try KeyAnnouncementPayload(decoding: forged.jsonBytes, of: try Nickname("alice")) }
    }

    @Test("a direct message seals to the vectors' ciphertext and opens on both sides only")
    func directMessages() throws {
        let alice = try #require(Self.keys["alice"]), bob = try #require(Self.keys["bob"])
        for vector in Self.vectors.direct {
            let nonce = try #require(Base64URL.decode(vector.envelope.nonce))
            let sealed = try DirectPayload(
                sealing: .init(text: vector.text, replyTo: vector.replyTo.flatMap(EventID.init(rawValue:))),
                from: alice, to: try Nickname("bob"), peer: bob.publicIdentity, id: try EventID(vector.envelope.id),
                ts: vector.envelope.ts, nonce: nonce)
            #expect(sealed.ct == vector.envelope.ct)
            #expect(sealed.sig == vector.envelope.sig)
            #expect(SignatureInput.direct(sealed).text == vector.signatureInput)
            let received = try DirectPayload(decoding: try JSONEncoder().encode(vector.envelope), topic: vector.topic)
            #expect(received == sealed)
            #expect(received.isSigned(by: alice.publicIdentity))
            #expect(!received.isSigned(by: bob.publicIdentity))
            #expect(try received.open(with: bob, peer: alice.publicIdentity).text == vector.text)
            #expect(try received.open(with: alice, peer: bob.publicIdentity).replyTo?.rawValue == vector.replyTo)
            // Anybody else's keys do not open it.
            let mallory = IdentityKeys(secret: "x", nick: try Nickname("mallory"), iterations: 1)
            #expect(throws: (any Error).self) { try received.open(with: mallory, peer: alice.publicIdentity) }
        }
        #expect(DirectPayload.topic(try Nickname("bob"), try Nickname("alice")) == "direct/alice/bob")
        #expect(DirectPayload.topic(try Nickname("Zoë"), try Nickname("zed")) == "direct/Zoë/zed")
    }
}
