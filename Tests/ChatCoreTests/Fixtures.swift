import Foundation

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

    static let genpassVectors = load([GenpassVector].self, "genpass-vectors.json")
    static let nonTerminating = load([String].self, "genpass-nonterminating.json")
}

