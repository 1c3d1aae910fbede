internal import Crypto
internal import _CryptoExtras

/// The MQTT login and password that a passphrase stands for in one chat, derived by the
/// "strong" scheme (SPEC.md, "The strong scheme"):
///
/// ```
/// dk       = PBKDF2-HMAC-SHA256(passphrase as UTF-8, "chatt-strong:" + salt, 600,000, 48 bytes)
/// login    = "c2-" + base64url(dk[0..<16])
/// password = base64url(dk[16..<48])            (base64url without padding)
/// ```
///
/// The salt in the PBKDF2 input is the salt's base64url *text* (``SchemeSalt/text``, 22
/// characters) after the prefix, as UTF-8 — the string the page reads from its meta tag,
/// so no side decodes it differently. The passphrase is taken as typed: no Unicode
/// normalization (`"café"` precomposed and decomposed give different pairs, as they do in
/// the legacy scheme). `Tests/Fixtures/strong-scheme-vectors.json`, computed with Python's
/// `hashlib`, holds the vectors that the Swift and the JavaScript derivations must match.
///
/// Unlike the legacy pair, the login does not give the password away; but both come from
/// the passphrase, so whoever has the login can still try passphrases offline (600,000
/// iterations each). Keep the login as secret as the password.
///
/// ```swift
/// let pair = StrongCredentials(passphrase: "foobar", salt: try SchemeSalt("5FsG5mQesFB0tp8zvN_9sQ"))
/// print(pair.login)     // c2-z9LdYZBe0OdQqiw4FHMBjg
/// ```
public struct StrongCredentials: PassphraseCredentials {
    /// The MQTT user name (and HTTP Basic user): `c2-` and 22 base64url characters.
    public let login: String
    /// The MQTT password (and HTTP Basic password): 43 base64url characters.
    public let password: String

    /// PBKDF2's iteration count (OWASP's 2023 figure for PBKDF2-HMAC-SHA256).
    public static let iterations = 600_000
    /// What comes before the salt's text in PBKDF2's salt input.
    public static let saltPrefix = "chatt-strong:"
    /// What every strong login starts with, so a strong login is never mistaken for a
    /// legacy one (whose characters are letters and digits only).
    public static let loginPrefix = "c2-"

    /// Derives the pair; PBKDF2's 600,000 iterations take a fraction of a second in a
    /// release build (about a second in a debug build on a busy machine).
    public init(passphrase: String, salt: SchemeSalt) {
        self.init(passphrase: passphrase, salt: salt, iterations: Self.iterations)
    }

    /// Derives the pair with another iteration count (tests only).
    init(passphrase: String, salt: SchemeSalt, iterations: Int) {
        let key = Self.derive(Array(passphrase.utf8), salt: Array((Self.saltPrefix + salt.text).utf8),
                              iterations: iterations, byteCount: 48)
        self.login = Self.loginPrefix + Base64URL.encode(key[0..<16])
        self.password = Base64URL.encode(key[16..<48])
    }

    /// PBKDF2-HMAC-SHA256 (swift-crypto; BoringSSL on Linux, CommonCrypto on Apple systems).
    static func derive(_ password: [UInt8], salt: [UInt8], iterations: Int, byteCount: Int) -> [UInt8] {
        do {
            let key = try KDF.Insecure.PBKDF2.deriveKey(
                from: password, salt: salt, using: .sha256, outputByteCount: byteCount,
                unsafeUncheckedRounds: iterations)
            return key.withUnsafeBytes { Array($0) }
        } catch {
            // BoringSSL fails only on allocation failure or absurd parameters, none of
            // which the fixed parameters above can reach.
            preconditionFailure("PBKDF2-HMAC-SHA256 failed: \(error)")
        }
    }
}
