import ChatTestSupport
import Foundation
import Testing

@Suite("chatt-genpass")
struct GenpassCommandTests {
    static let sample = """
        Login & pass:
        R3ZXKboT3M5VqPxOQclSB1SPAM3TVS5lqq33YTyi6iN26SRtboiRAzV4TbGP6ha4CI
        vUYP1AR1P23lTb6XAO1KhNaK2NQAFQ6DtrLpaEC1wdvu5hafjvCVQFn4R64WuQv4pD

        """

    @Test("prints the sample of SPEC.md byte for byte")
    func sampleOutput() async throws {
        let run = try await runProduct("chatt-genpass", ["foobar"])
        #expect(run.status == 0)
        #expect(run.stdout == Self.sample)
        #expect(run.stderr.isEmpty)
    }

    @Test("reads the passphrase from stdin with no argument or '-'", arguments: [[], ["-"]])
    func standardInput(arguments: [String]) async throws {
        #expect(try await runProduct("chatt-genpass", arguments, input: "foobar\n").stdout == Self.sample)
        #expect(try await runProduct("chatt-genpass", arguments, input: "foobar\r\n").stdout == Self.sample)
        #expect(try await runProduct("chatt-genpass", arguments, input: "foobar").stdout == Self.sample)
    }

    @Test("only one trailing newline is removed from stdin")
    func oneNewline() async throws {
        let twice = try await runProduct("chatt-genpass", ["-"], input: "foobar\n\n")
        #expect(twice.stdout != Self.sample)
        #expect(twice.status == 0)
    }

    @Test("--json and --env")
    func formats() async throws {
        let json = try await runProduct("chatt-genpass", ["--json", "foobar"])
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(json.stdout.utf8))
        #expect(decoded["login"] == "R3ZXKboT3M5VqPxOQclSB1SPAM3TVS5lqq33YTyi6iN26SRtboiRAzV4TbGP6ha4CI")
        #expect(decoded["password"] == "vUYP1AR1P23lTb6XAO1KhNaK2NQAFQ6DtrLpaEC1wdvu5hafjvCVQFn4R64WuQv4pD")
        let env = try await runProduct("chatt-genpass", ["--env", "foobar"])
        #expect(env.stdout == """
            USER=R3ZXKboT3M5VqPxOQclSB1SPAM3TVS5lqq33YTyi6iN26SRtboiRAzV4TbGP6ha4CI
            PASS=vUYP1AR1P23lTb6XAO1KhNaK2NQAFQ6DtrLpaEC1wdvu5hafjvCVQFn4R64WuQv4pD

            """)
        #expect(try await runProduct("chatt-genpass", ["--env", "--json", "x"]).status != 0)
    }

    @Test("a too-long passphrase: one line on stderr naming the limit, exit 2")
    func tooLong() async throws {
        let run = try await runProduct("chatt-genpass", [String(repeating: "a", count: 2_000)])
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("too long"))
        #expect(run.stderr.contains("308"))
        #expect(run.stderr.filter { $0 == "\n" }.count == 1)
    }

    @Test("--help says what the pair is for")
    func help() async throws {
        let run = try await runProduct("chatt-genpass", ["--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("password file"))
        #expect(run.stdout.contains("chatt-server"))
    }

    // The first vector of Tests/Fixtures/strong-scheme-vectors.json (hashlib).
    static let strongSalt = "5FsG5mQesFB0tp8zvN_9sQ"
    static let strongLogin = "c2-z9LdYZBe0OdQqiw4FHMBjg"
    static let strongPassword = "i7pTT4AyFZcrKyTQR6NqMWMivKa7gTdIRciJzw3LB_0"

    @Test("--scheme strong --salt prints the strong pair in all three formats")
    func strongScheme() async throws {
        let plain = try await runProduct("chatt-genpass", ["--scheme", "strong", "--salt", Self.strongSalt, "foobar"])
        #expect(plain.status == 0)
        #expect(plain.stdout == "Login & pass:\n\(Self.strongLogin)\n\(Self.strongPassword)\n")
        let json = try await runProduct("chatt-genpass", ["--json", "--scheme", "strong", "--salt", Self.strongSalt, "foobar"])
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(json.stdout.utf8))
        #expect(decoded == ["login": Self.strongLogin, "password": Self.strongPassword])
        let env = try await runProduct("chatt-genpass", ["--env", "--scheme", "strong", "--salt", Self.strongSalt, "-"],
                                       input: "foobar\n")
        #expect(env.stdout == "USER=\(Self.strongLogin)\nPASS=\(Self.strongPassword)\n")
    }

    @Test("--scheme legacy is the default, unchanged")
    func legacyScheme() async throws {
        #expect(try await runProduct("chatt-genpass", ["--scheme", "legacy", "foobar"]).stdout == Self.sample)
    }

    @Test("a usage error, naming what to do, for a missing or bad salt and a salt without strong",
          arguments: [
              (["--scheme", "strong", "foobar"], "needs --salt"),
              (["--scheme", "strong", "--salt", "AAAA", "foobar"], "16 bytes"),
              (["--scheme", "strong", "--salt", "AAAAAAAAAAAAAAAAAAAAAA==", "foobar"], "without padding"),
              (["--salt", "AAAAAAAAAAAAAAAAAAAAAA", "foobar"], "--scheme strong"),
              (["--scheme", "md5", "foobar"], "legacy"),
          ])
    func badSalt(arguments: [String], says: String) async throws {
        let run = try await runProduct("chatt-genpass", arguments)
        #expect(run.status == 64)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains(says), "\(run.stderr)")
    }

    @Test("a salt that begins with '-' is the salt, not an option (one in 64 new chats failed to start)")
    func saltWithLeadingDash() async throws {
        // The pair computed with Python's hashlib.
        let run = try await runProduct("chatt-genpass", ["--scheme", "strong", "--salt", "-AAAAAAAAAAAAAAAAAAAAA", "plop"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "Login & pass:\nc2-Dy33HrzJkv3eKvvvEeX5Dg\nS-IAc71sjccGO5CDhMZY6--WFVVu_04NZ0xIOdeO4Ys\n")
    }

    @Test("--help explains both schemes")
    func helpSchemes() async throws {
        let run = try await runProduct("chatt-genpass", ["--help"])
        #expect(run.stdout.contains("--scheme"))
        #expect(run.stdout.contains("--salt"))
        // Help text is wrapped to the terminal: compare with the white space collapsed.
        let words = run.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("keep the login as secret as the password"))
    }
}
