@testable import ChatCore
import Foundation
import Testing

@Suite("Strong passphrase derivation")
struct StrongCredentialsTests {
    @Test("the parameters are SPEC.md's, as the vector file states them")
    func parameters() {
        #expect(StrongCredentials.iterations == 600_000)
        #expect(Fixtures.strongScheme.iterations == StrongCredentials.iterations)
        #expect(Fixtures.strongScheme.saltPrefix == StrongCredentials.saltPrefix)
        #expect(Fixtures.strongScheme.scheme.count >= 10)
        #expect(Fixtures.strongScheme.scheme.contains { $0.passphrase.unicodeScalars.contains { $0.value > 0xFFFF } })
    }

    @Test("matches hashlib on every vector (non-ASCII included)", arguments: Fixtures.strongScheme.scheme)
    func matchesVectors(_ vector: Fixtures.StrongSchemeFile.Vector) throws {
        let pair = StrongCredentials(passphrase: vector.passphrase, salt: try SchemeSalt(vector.salt))
        #expect(pair.login == vector.login)
        #expect(pair.password == vector.password)
        // The scheme value gives the same pair.
        let viaScheme = try CredentialScheme(name: "strong", salt: vector.salt).credentials(passphrase: vector.passphrase)
        #expect(viaScheme.login == vector.login)
        #expect(viaScheme.password == vector.password)
    }

    @Test("PBKDF2-HMAC-SHA256 matches hashlib (RFC 7914 included)", arguments: Fixtures.strongScheme.pbkdf2)
    func pbkdf2(_ vector: Fixtures.StrongSchemeFile.PBKDF2Vector) {
        let key = StrongCredentials.derive(Array(vector.password.utf8), salt: Array(vector.salt.utf8),
                                           iterations: vector.iterations, byteCount: vector.length)
        #expect(key.map { String(format: "%02x", $0) }.joined() == vector.dk)
    }

    @Test("the pair's shape: c2- and 22 characters, then 43", arguments: Fixtures.strongScheme.scheme.prefix(3))
    func shape(_ vector: Fixtures.StrongSchemeFile.Vector) {
        #expect(vector.login.hasPrefix("c2-") && vector.login.utf8.count == 25)
        #expect(vector.password.utf8.count == 43)
    }

    @Test("refuses salts that are not base64url of 16 bytes", arguments: Fixtures.strongScheme.invalidSalts)
    func invalidSalt(_ text: String) {
        #expect(throws: SchemeSaltError.self) { try SchemeSalt(text) }
        // An empty salt counts as none given (checked in schemeNames).
        if !text.isEmpty {
            #expect(throws: CredentialSchemeError.invalidSalt(SchemeSaltError(text: text))) {
                try CredentialScheme(name: "strong", salt: text)
            }
        }
    }

    @Test("a salt made of bytes reads back", arguments: [[UInt8](repeating: 0, count: 16), [UInt8](repeating: 0xFF, count: 16),
                                                          Array(0..<16), Array(240...255)])
    func saltRoundTrip(_ bytes: [UInt8]) throws {
        let salt = SchemeSalt(bytes: bytes)
        #expect(salt.text.utf8.count == 22)
        #expect(try SchemeSalt(salt.text) == salt)
        #expect(Base64URL.decode(salt.text) == bytes)
    }

    @Test("base64url agrees with Foundation's base64 for every length up to 40")
    func base64URL() {
        for length in 0...40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let expected = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == expected, "length \(length)")
            #expect(Base64URL.decode(expected) == bytes, "length \(length)")
        }
    }

    @Test("scheme names: legacy ignores a salt, strong needs one, others are refused")
    func schemeNames() throws {
        #expect(try CredentialScheme(name: "legacy", salt: nil) == .legacy)
        #expect(try CredentialScheme(name: "LEGACY", salt: "whatever") == .legacy)
        #expect(throws: CredentialSchemeError.missingSalt) { try CredentialScheme(name: "strong", salt: nil) }
        #expect(throws: CredentialSchemeError.missingSalt) { try CredentialScheme(name: "strong", salt: "") }
        #expect(throws: CredentialSchemeError.unknownName("md5")) { try CredentialScheme(name: "md5", salt: nil) }
        let legacy = try CredentialScheme.legacy.credentials(passphrase: "foobar")
        #expect(legacy.login == (try LegacyCredentials(passphrase: "foobar")).login)
    }

    @Test("errors say what to do")
    func errorText() {
        #expect("\(CredentialSchemeError.missingSalt)".contains("DATA_DIR/scheme-salt"))
        #expect("\(SchemeSaltError(text: "AAAA"))".contains("16 bytes"))
        #expect("\(CredentialSchemeError.unknownName("x"))".contains("legacy or strong"))
    }
}
