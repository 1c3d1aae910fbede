import ChatCore
import ChatWebPush
import Crypto
import Foundation
import Testing

/// RFC 8292: an ES256 JWT that the public key verifies, with the claims push services check.
@Suite struct VAPIDTests {
    @Test func tokenVerifiesWithThePublicKeyAndCarriesTheClaims() throws {
        let key = VAPIDKey()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let header = try key.authorization(for: "https://push.example.net:8443/send/abc?x=1", subject: "mailto:ops@example.org", now: now)
        let match = try #require(header.wholeMatch(of: /vapid t=([^,]+), k=([A-Za-z0-9_-]+)/))
        let token = String(match.1)
        #expect(String(match.2) == key.publicKeyBase64URL)

        let parts = token.split(separator: ".").map(String.init)
        try #require(parts.count == 3)
        let headerJSON = try #require(Base64URL.decode(parts[0]))
        #expect(String(decoding: headerJSON, as: UTF8.self) == #"{"typ":"JWT","alg":"ES256"}"#)
        let claims = try JSONSerialization.jsonObject(with: Data(try #require(Base64URL.decode(parts[1])))) as? [String: Any]
        #expect(claims?["aud"] as? String == "https://push.example.net:8443")
        #expect(claims?["sub"] as? String == "mailto:ops@example.org")
        let exp = try #require(claims?["exp"] as? Int)
        #expect(exp > 1_800_000_000 && exp <= 1_800_000_000 + 24 * 3_600)

        let publicKey = try P256.Signing.PublicKey(x963Representation: try #require(Base64URL.decode(key.publicKeyBase64URL)))
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: try #require(Base64URL.decode(parts[2])))
        #expect(publicKey.isValidSignature(signature, for: Array("\(parts[0]).\(parts[1])".utf8)))
        #expect(!publicKey.isValidSignature(signature, for: Array("\(parts[0]).x\(parts[1])".utf8)))
    }

    @Test func expiryIsAtMostADay() throws {
        let key = VAPIDKey()
        let token = try key.token(audience: "https://a.example", subject: VAPIDSubject.default,
                                  now: Date(timeIntervalSince1970: 0), lifetime: .seconds(7 * 24 * 3_600))
        let claims = try JSONSerialization.jsonObject(
            with: Data(try #require(Base64URL.decode(String(token.split(separator: ".")[1]))))) as? [String: Any]
        #expect(claims?["exp"] as? Int == 24 * 3_600)
    }

    @Test func storedValueRoundTrips() throws {
        let key = VAPIDKey()
        let again = try #require(VAPIDKey(storedValue: key.storedValue))
        #expect(again.publicKeyBase64URL == key.publicKeyBase64URL)
        #expect(VAPIDKey(storedValue: "not a key") == nil)
    }

    @Test(arguments: ["mailto:a@b.example", "https://chat.example"])
    func validSubjects(_ subject: String) { #expect(VAPIDSubject.isValid(subject)) }

    @Test(arguments: ["", "a@b.example", "http://chat.example", "mailto:"])
    func invalidSubjects(_ subject: String) { #expect(!VAPIDSubject.isValid(subject)) }
}
