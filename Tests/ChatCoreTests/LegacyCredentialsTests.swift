import ChatCore
import Foundation
import Testing

@Suite("Legacy passphrase derivation")
struct LegacyCredentialsTests {
    @Test("the README sample")
    func readmeSample() throws {
        let pair = try LegacyCredentials(passphrase: "foobar")
        #expect(pair.login == "R3ZXKboT3M5VqPxOQclSB1SPAM3TVS5lqq33YTyi6iN26SRtboiRAzV4TbGP6ha4CI")
        #expect(pair.password == "vUYP1AR1P23lTb6XAO1KhNaK2NQAFQ6DtrLpaEC1wdvu5hafjvCVQFn4R64WuQv4pD")
    }

    @Test("the vector file holds all 1,500 cases")
    func vectorCount() {
        #expect(Fixtures.genpassVectors.count == 1_500)
        #expect(Fixtures.nonTerminating.count == 50)
    }

    // One test per file (not one per vector), so the log stays short; every failing
    // vector is reported with its passphrase.
    @Test("matches the original on every vector")
    func matchesOriginal() throws {
        for vector in Fixtures.genpassVectors {
            let pair = try LegacyCredentials(passphrase: vector.passphrase)
            #expect(pair.login == vector.login, "login for \(vector.passphrase.debugDescription)")
            #expect(pair.password == vector.password, "password for \(vector.passphrase.debugDescription)")
        }
    }

    // A loop like the original's would never end: the time limit stops the test then.
    @Test("refuses what the original never finishes", .timeLimit(.minutes(1)))
    func refusesNonTerminating() {
        for passphrase in Fixtures.nonTerminating {
            #expect(throws: PassphraseTooLongError.self, "\(passphrase.debugDescription)") {
                try LegacyCredentials(passphrase: passphrase)
            }
        }
    }

    @Test("the error says the passphrase is too long and names the limit")
    func errorMessage() {
        let long = String(repeating: "a", count: 156)
        do {
            _ = try LegacyCredentials(passphrase: long)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("too long"))
            #expect(error.description.contains("308"))
            #expect(error.significantDigits == 312)
        }
    }

    @Test("boundaries of the termination rule from testdata/README.md")
    func boundaries() throws {
        let cases: [(character: String, lastTerminating: Int)] = [
            ("a", 154), ("x", 103), ("é", 102), ("Ж", 77), ("中", 61), ("😀", 30), ("\u{1}", 309),
        ]
        for (character, count) in cases {
            let fits = String(repeating: character, count: count)
            #expect(throws: Never.self, "\(character.debugDescription) × \(count)") {
                try LegacyCredentials(passphrase: fits)
            }
            #expect(throws: PassphraseTooLongError.self, "\(character.debugDescription) × \(count + 1)") {
                try LegacyCredentials(passphrase: fits + character)
            }
        }
        // Leading U+0000 do not count.
        let padded = String(repeating: "\u{0}", count: 1_000) + String(repeating: "x", count: 103)
        #expect(throws: Never.self) { try LegacyCredentials(passphrase: padded) }
    }

    @Test("passphrases compare by UTF-16 code units, not canonical equivalence")
    func codeUnits() throws {
        let precomposed = try LegacyCredentials(passphrase: "caf\u{E9}")
        let decomposed = try LegacyCredentials(passphrase: "cafe\u{301}")
        #expect(precomposed != decomposed)
    }
}
