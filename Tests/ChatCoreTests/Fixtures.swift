import Foundation
import Testing

/// Reads the shared test data copied from `shared/testdata` into `Tests/Fixtures`.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    struct GenpassVector: Decodable, Sendable {
        let passphrase: String
        let login: String
        let password: String
        var testDescription: String { "passphrase \(passphrase.debugDescription)" }
    }

    static func load<T: Decodable>(_ type: T.Type, _ name: String) -> T {
        do {
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            // A missing fixture must fail loudly, not turn into zero test cases.
            preconditionFailure("cannot read fixture \(name): \(error)")
        }
    }

    /// `strong-scheme-vectors.json`, made by `make-strong-scheme-vectors.py` with hashlib.
    struct StrongSchemeFile: Decodable, Sendable {
        struct Vector: Decodable, Sendable, CustomTestStringConvertible {
            let passphrase: String
            let salt: String
            let login: String
            let password: String
            var testDescription: String { "passphrase \(passphrase.debugDescription), salt \(salt)" }
        }
        struct PBKDF2Vector: Decodable, Sendable, CustomTestStringConvertible {
            let password: String
            let salt: String
            let iterations: Int
            let length: Int
            let dk: String
            var testDescription: String { "\(password.prefix(20).debugDescription) / \(salt.debugDescription) × \(iterations)" }
        }
        let iterations: Int
        let saltPrefix: String
        let scheme: [Vector]
        let pbkdf2: [PBKDF2Vector]
        let invalidSalts: [String]
    }

    static let strongScheme = load(StrongSchemeFile.self, "strong-scheme-vectors.json")

    static let genpassVectors = load([GenpassVector].self, "genpass-vectors.json")
    static let nonTerminating = load([String].self, "genpass-nonterminating.json")
}

