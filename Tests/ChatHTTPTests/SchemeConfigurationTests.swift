import ChatCore
import ChatHTTP
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Testing

/// The passphrase scheme: `--scheme`/`--scheme-salt`, `CHATT_SCHEME`/`CHATT_SCHEME_SALT`,
/// `auth.scheme`/`auth.scheme_salt`, and the page's `chatt-scheme`/`chatt-scheme-salt`.
@Suite("Configuration and page: the passphrase scheme")
struct SchemeConfigurationTests {
    static let salt = "5FsG5mQesFB0tp8zvN_9sQ"
    static let otherSalt = "cPjjezx2I1IuU4DBw8ezUg"

    @Test("legacy by default")
    func legacyByDefault() throws {
        #expect(try loadConfiguration(nil).scheme == .legacy)
        #expect(ServerConfiguration().scheme == .legacy)
    }

    @Test("each layer can name the scheme and salt; flags > environment > file")
    func layers() throws {
        let strong = CredentialScheme.strong(try SchemeSalt(Self.salt))
        let other = CredentialScheme.strong(try SchemeSalt(Self.otherSalt))
        #expect(try loadConfiguration("auth:\n  scheme: strong\n  scheme_salt: \(Self.salt)\n").scheme == strong)
        #expect(try loadConfiguration(nil, environment: ["CHATT_SCHEME": "strong", "CHATT_SCHEME_SALT": Self.salt]).scheme == strong)
        #expect(try loadConfiguration(nil, flags: ConfigurationFlags(scheme: "strong", schemeSalt: Self.salt)).scheme == strong)
        // The file names the scheme, the environment the salt.
        #expect(try loadConfiguration("auth:\n  scheme: strong\n", environment: ["CHATT_SCHEME_SALT": Self.salt]).scheme == strong)
        // The environment's salt beats the file's; a flag beats both.
        let file = "auth:\n  scheme: strong\n  scheme_salt: \(Self.salt)\n"
        #expect(try loadConfiguration(file, environment: ["CHATT_SCHEME_SALT": Self.otherSalt]).scheme == other)
        #expect(try loadConfiguration(file, environment: ["CHATT_SCHEME_SALT": Self.otherSalt],
                         flags: ConfigurationFlags(schemeSalt: Self.salt)).scheme == strong)
        // A flag naming legacy while the file gives a salt is refused, not silently mixed.
        #expect(throws: ConfigurationError.self) { try loadConfiguration(file, flags: ConfigurationFlags(scheme: "legacy")) }
    }

    @Test("auth.passphrase is derived under the final scheme, wherever its parts came from")
    func passphraseUsesTheScheme() throws {
        let strongPair = StrongCredentials(passphrase: "plop", salt: try SchemeSalt(Self.salt))
        let fromFile = try loadConfiguration("auth:\n  passphrase: plop\n  scheme: strong\n  scheme_salt: \(Self.salt)\n")
        #expect(fromFile.credentials == HTTPCredentials(login: strongPair.login, password: strongPair.password,
                                                        source: "auth.passphrase"))
        // The passphrase comes before the scheme in the file, and the salt from the environment.
        let mixed = try loadConfiguration("auth:\n  passphrase: plop\n", environment: ["CHATT_SCHEME": "strong", "CHATT_SCHEME_SALT": Self.salt])
        #expect(mixed.credentials?.login == strongPair.login)
        #expect(mixed.credentials?.password == strongPair.password)
        // An environment pair still replaces the file's passphrase.
        let replaced = try loadConfiguration("auth:\n  passphrase: plop\n", environment: ["CHATT_USER": "u", "CHATT_PASS": "p",
                                                                           "CHATT_SCHEME": "strong", "CHATT_SCHEME_SALT": Self.salt])
        #expect(replaced.credentials == HTTPCredentials(login: "u", password: "p", source: "CHATT_USER/CHATT_PASS"))
        // Legacy as before.
        let legacy = try LegacyCredentials(passphrase: "plop")
        #expect(try loadConfiguration("auth:\n  passphrase: plop\n").credentials?.login == legacy.login)
    }

    @Test("wrong settings stop the server with one line naming the setting and the fix",
          arguments: [
              (nil as String?, ["CHATT_SCHEME": "strong"], "environment variable CHATT_SCHEME is strong but no salt is set"),
              (nil, ["CHATT_SCHEME": "sha1"], "environment variable CHATT_SCHEME: expected legacy or strong"),
              (nil, ["CHATT_SCHEME": "strong", "CHATT_SCHEME_SALT": "AAAA"], "environment variable CHATT_SCHEME_SALT: the salt must be"),
              (nil, ["CHATT_SCHEME_SALT": "5FsG5mQesFB0tp8zvN_9sQ"], "CHATT_SCHEME_SALT is set but the scheme is legacy"),
              ("auth:\n  scheme: strong\n", [:], "config key `auth.scheme` is strong but no salt"),
              ("auth:\n  scheme: strong\n  scheme_salt: xyz\n", [:], "config key `auth.scheme_salt`: the salt must be"),
          ] as [(String?, [String: String], String)])
    func errors(yaml: String?, environment: [String: String], says: String) throws {
        do {
            _ = try loadConfiguration(yaml, environment: environment)
            Issue.record("loaded without an error")
        } catch let error as ConfigurationError {
            #expect(error.description.contains(says), "\(error)")
        }
    }

    @Test("a --scheme flag with a bad salt names the flag")
    func flagError() throws {
        #expect(throws: ConfigurationError.self) {
            try loadConfiguration(nil, flags: ConfigurationFlags(scheme: "strong", schemeSalt: "AAAAAAAAAAAAAAAAAAAAAA=="))
        }
        do {
            _ = try loadConfiguration(nil, flags: ConfigurationFlags(scheme: "strong"))
        } catch {
            #expect("\(error)".hasPrefix("--scheme is strong but no salt is set"))
        }
    }

    @Test("the page carries chatt-scheme and chatt-scheme-salt")
    func pageMeta() async throws {
        try await withTestApp(configuration: ServerConfiguration()) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(PageTests.meta("chatt-scheme", in: response.text) == "legacy")
                #expect(PageTests.meta("chatt-scheme-salt", in: response.text) == "")
            }
        }
        var configuration = ServerConfiguration()
        configuration.scheme = .strong(try SchemeSalt(Self.salt))
        try await withTestApp(configuration: configuration) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(PageTests.meta("chatt-scheme", in: response.text) == "strong")
                #expect(PageTests.meta("chatt-scheme-salt", in: response.text) == Self.salt)
            }
        }
    }

    @Test("the logged configuration names the scheme")
    func logged() throws {
        let configuration = try loadConfiguration(nil, environment: ["CHATT_SCHEME": "strong", "CHATT_SCHEME_SALT": Self.salt])
        #expect(configuration.loggingMetadata["scheme"] == "strong")
    }
}
