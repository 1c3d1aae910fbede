import ChatCore
@testable import ChatWebPush
import Crypto
import Testing

/// RFC 8291 Appendix A: fixed keys and salt give exactly the RFC's body.
@Suite struct PushEncryptionTests {
    static let plaintext = "When I grow up, I want to be a watermelon"
    static let senderPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"
    static let senderPublic = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"
    static let receiverPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
    static let receiverPublic = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
    static let auth = "BTBZMqHH6r4Tts7J_aSIgg"
    static let salt = "DGv6ra1nlYgDCS1FRnbzlw"
    static let body = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"

    static func subscription() throws -> PushSubscription {
        try PushSubscription(endpoint: "https://push.example.net/send/abc", p256dh: receiverPublic, auth: auth, policy: .production)
    }

    @Test func rfc8291AppendixA() throws {
        let senderKey = try P256.KeyAgreement.PrivateKey(rawRepresentation: try #require(Base64URL.decode(Self.senderPrivate)))
        #expect(Base64URL.encode(senderKey.publicKey.x963Representation) == Self.senderPublic)
        let body = try PushEncryption.encrypt(
            Array(Self.plaintext.utf8), for: try Self.subscription(), senderKey: senderKey,
            salt: Base64URL.decode(Self.salt))
        #expect(Base64URL.encode(body) == Self.body)
    }

    /// A fresh key and salt each time, and the receiver (holding the private key) reads it back.
    @Test func freshEncryptionDecryptsWithTheReceiversKey() throws {
        let receiver = P256.KeyAgreement.PrivateKey()
        let auth = (0..<16).map { UInt8($0) }
        let subscription = try PushSubscription(
            endpoint: "https://push.example.net/x", p256dh: Base64URL.encode(receiver.publicKey.x963Representation),
            auth: Base64URL.encode(auth), policy: .production)
        let message = Array(#"{"title":"t","body":"b"}"#.utf8)
        let first = try PushEncryption.encrypt(message, for: subscription)
        let second = try PushEncryption.encrypt(message, for: subscription)
        #expect(first != second)
        #expect(try decrypt(first, receiver: receiver, auth: auth) == message)
    }

    @Test func tooLargeAPayloadIsRefused() throws {
        #expect(throws: PushEncryptionError.self) {
            try PushEncryption.encrypt([UInt8](repeating: 65, count: 4_000), for: try Self.subscription())
        }
    }

    /// The browser's side of RFC 8291 (one record), written independently of the sender.
    func decrypt(_ body: [UInt8], receiver: P256.KeyAgreement.PrivateKey, auth: [UInt8]) throws -> [UInt8] {
        let salt = Array(body[0..<16])
        let idLength = Int(body[20])
        let senderPublic = Array(body[21..<(21 + idLength)])
        let record = Array(body[(21 + idLength)...])
        let secret = try receiver.sharedSecretFromKeyAgreement(with: try P256.KeyAgreement.PublicKey(x963Representation: senderPublic))
        let info = Array("WebPush: info".utf8) + [0] + Array(receiver.publicKey.x963Representation) + senderPublic
        let ikm = secret.hkdfDerivedSymmetricKey(using: SHA256.self, salt: auth, sharedInfo: info, outputByteCount: 32)
        let cek = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: salt, info: Array("Content-Encoding: aes128gcm\0".utf8), outputByteCount: 16)
        let nonce = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: salt, info: Array("Content-Encoding: nonce\0".utf8), outputByteCount: 12)
        let box = try AES.GCM.SealedBox(
            nonce: try AES.GCM.Nonce(data: nonce.withUnsafeBytes { Array($0) }),
            ciphertext: record.dropLast(16), tag: record.suffix(16))
        var plain = Array(try AES.GCM.open(box, using: cek))
        #expect(plain.last == 2)
        plain.removeLast()
        return plain
    }
}
