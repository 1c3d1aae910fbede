public import Crypto
import Foundation

/// RFC 8291 message encryption for Web Push: the `aes128gcm` content coding (RFC 8188) with
/// a key agreed between a fresh sender key and the browser's `p256dh`, mixed with its
/// `auth` secret. One record (the payload must fit in 4096 − 16 − 1 bytes), ended by the
/// 0x02 delimiter.
public enum PushEncryption {
    /// The record size written in the header.
    public static let recordSize: UInt32 = 4_096
    /// The largest plaintext that fits in one record: the record size less the delimiter
    /// byte and the 16-byte tag (push services accept bodies up to 4096 bytes; the header
    /// then takes 86 of them, so keep payloads well below this).
    public static let maximumPlaintextBytes = Int(recordSize) - 17 - 86

    /// `plaintext` encrypted for `subscription`: the whole request body (header ‖ record).
    ///
    /// - Parameters:
    ///   - senderKey: the application server's key for this message; fresh by default (a
    ///     test passes RFC 8291's).
    ///   - salt: 16 bytes; random by default.
    /// - Throws: ``PushEncryptionError`` when the payload is too large or a key unusable.
    public static func encrypt(
        _ plaintext: some Collection<UInt8>, for subscription: PushSubscription,
        senderKey: P256.KeyAgreement.PrivateKey = P256.KeyAgreement.PrivateKey(),
        salt: [UInt8]? = nil
    ) throws(PushEncryptionError) -> [UInt8] {
        guard plaintext.count <= maximumPlaintextBytes else {
            throw .payloadTooLarge(bytes: plaintext.count, limit: maximumPlaintextBytes)
        }
        let salt = salt ?? randomBytes(16)
        guard salt.count == 16 else { throw .badSalt }
        do {
            let receiverKey = try P256.KeyAgreement.PublicKey(x963Representation: subscription.p256dh)
            let sharedSecret = try senderKey.sharedSecretFromKeyAgreement(with: receiverKey)
            let senderPublic = Array(senderKey.publicKey.x963Representation)

            // IKM = HKDF(auth, ecdh_secret, "WebPush: info" ‖ 0x00 ‖ ua_public ‖ as_public, 32)
            let keyInfo = Array("WebPush: info".utf8) + [0] + subscription.p256dh + senderPublic
            let ikm = sharedSecret.hkdfDerivedSymmetricKey(
                using: SHA256.self, salt: subscription.auth, sharedInfo: keyInfo, outputByteCount: 32)
            let contentKey = HKDF<SHA256>.deriveKey(
                inputKeyMaterial: ikm, salt: salt, info: Array("Content-Encoding: aes128gcm".utf8) + [0], outputByteCount: 16)
            let nonceKey = HKDF<SHA256>.deriveKey(
                inputKeyMaterial: ikm, salt: salt, info: Array("Content-Encoding: nonce".utf8) + [0], outputByteCount: 12)
            let nonce = try AES.GCM.Nonce(data: nonceKey.withUnsafeBytes { Array($0) })

            // One record, the last: the plaintext then the 0x02 delimiter (no padding).
            let record = Array(plaintext) + [0x02]
            let sealed = try AES.GCM.seal(record, using: contentKey, nonce: nonce)

            // Header: salt(16) ‖ rs(4, big-endian) ‖ idlen(1) ‖ keyid (the sender's public key).
            var body = salt
            body += withUnsafeBytes(of: recordSize.bigEndian) { Array($0) }
            body.append(UInt8(senderPublic.count))
            body += senderPublic
            body += sealed.ciphertext
            body += sealed.tag
            return body
        } catch {
            throw .cryptography("\(error)")
        }
    }

    /// Whether `bytes` is an uncompressed point of P-256.
    public static func isValidPublicKey(_ bytes: [UInt8]) -> Bool {
        (try? P256.KeyAgreement.PublicKey(x963Representation: bytes)) != nil
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}

/// Why a payload could not be encrypted.
public enum PushEncryptionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The payload does not fit in one record.
    case payloadTooLarge(bytes: Int, limit: Int)
    /// A salt that is not 16 bytes.
    case badSalt
    /// swift-crypto refused a key or the encryption.
    case cryptography(String)

    public var description: String {
        switch self {
        case .payloadTooLarge(let bytes, let limit): "the push payload is \(bytes) bytes; at most \(limit) fit"
        case .badSalt: "the salt must be 16 bytes"
        case .cryptography(let reason): "push encryption failed: \(reason)"
        }
    }
}
