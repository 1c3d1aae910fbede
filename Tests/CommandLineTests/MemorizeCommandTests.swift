import ChatTestSupport
import Foundation
import Testing

@Suite("chatt-memorize on standard input, import and export")
struct MemorizeCommandTests {
    /// No broker listens on port 9 of loopback: greetings fail, storing goes on.
    let offline = ["--broker", "mqtt://127.0.0.1:9", "--no-reverse-dns"]

    struct ExportLine: Decodable, Equatable {
        let room: String
        let author: String
        let text: String
        let ts: Int64
        let id: String?
    }

    func export(_ db: String) async throws -> [ExportLine] {
        let run = try await runProduct("chatt-memorize", ["--export", "--db", db])
        #expect(run.status == 0, "\(run.stderr)")
        return try run.stdout.split(separator: "\n").map { try JSONDecoder().decode(ExportLine.self, from: Data($0.utf8)) }
    }

    @Test("thousands of malformed lines mixed with valid ones: every valid line stored, exit 0 at end of input")
    func malformedMixed() async throws {
        let directory = try temporaryDirectory("chatt-memorize")
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("chatt.db").path
        let bad = [
            "", "   ", "no-space-topic", "rooms/main/newtext not json", "rooms/main/newtext {\"author\":1}",
            "rooms/main/newtext {\"author\":\"a\",\"text\":5}", "unknown/topic/x {}", "rooms/bad room/newtext {}",
            "users/a#b/hello {\"ipAddress\":\"1\"}", "rooms/main/newtext {\"author\":\"\",\"text\":\"x\"}",
            "rooms/main/newtext [1,2]", "rooms/main/newtext {\"author\":\"a\",\"text\":\"" + String(repeating: "x", count: 20_000) + "\"}",
        ]
        var input = ""
        var expected: [String] = []
        for index in 0..<3_000 {
            input += bad[index % bad.count] + "\n"
            if index % 3 == 0 {
                let text = "valid \(index) \"quoted\" é"
                let payload = try String(decoding: JSONEncoder().encode(["author": "ann", "text": text, "id": "v\(index)"]), as: UTF8.self)
                input += "rooms/main/newtext \(payload)\n"
                expected.append(text)
            }
        }
        var binary = Array(input.utf8)
        binary += Array("rooms/main/newtext {\"author\":\"ann\",\"text\":\"".utf8) + [0xC3, 0x28] + Array("\"}\n".utf8)
        binary += Array("rooms/main/newtext {\"author\":\"ann\",\"text\":\"last, no newline\"}".utf8)
        expected.append("last, no newline")
        let run = try await runProduct("chatt-memorize", offline + ["--db", db], inputBytes: binary)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try await export(db).map(\.text) == expected)
        #expect(run.stderr.contains("skipped input"))
        // Rate-limited: thousands of bad lines, far fewer log lines.
        #expect(run.stderr.split(separator: "\n").count < 200)
    }

    @Test("the same id twice is stored once; export is JSON Lines oldest first")
    func idempotentAndExport() async throws {
        let directory = try temporaryDirectory("chatt-memorize")
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("chatt.db").path
        // A sender's time is kept when it is plausible (within a day of receipt).
        let sent = Int64(Date().timeIntervalSince1970 * 1000) - 60_000
        let input = """
            rooms/main/newtext {"author":"ann","text":"one","id":"m1","ts":\(sent)}
            rooms/dev/newtext {"author":"bob","text":"two","id":"m2","ts":\(sent + 1)}
            rooms/main/newtext {"author":"ann","text":"one","id":"m1","ts":\(sent)}
            rooms/main/newtext {"author":"old","text":"no id"}

            """
        #expect(try await runProduct("chatt-memorize", offline + ["--db", db], input: input).status == 0)
        #expect(try await runProduct("chatt-memorize", offline + ["--db", db], input: input).status == 0)
        let lines = try await export(db)
        #expect(lines.map(\.id) == ["m1", "m2", nil, nil])
        #expect(lines[0] == ExportLine(room: "main", author: "ann", text: "one", ts: sent, id: "m1"))
        #expect(lines[1].room == "dev")
    }

    @Test("--import reads the original's chatinfo.json")
    func importLegacy() async throws {
        let directory = try temporaryDirectory("chatt-memorize")
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("chatt.db").path
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/chatinfo.json").path
        let run = try await runProduct("chatt-memorize", ["--import", fixture, "--db", db])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("imported"))
        #expect(try await export(db).map(\.text).contains("<img src=x onerror=alert(1)>"))
        let bad = try await runProduct("chatt-memorize", ["--import", "/nonexistent.json", "--db", db])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("/nonexistent.json"))
    }

    @Test("bad flags are refused with a clear message; --help explains")
    func flags() async throws {
        let badBroker = try await runProduct("chatt-memorize", ["--broker", "http://x"])
        #expect(badBroker.status != 0)
        #expect(badBroker.stderr.contains("mqtt://"))
        let help = try await runProduct("chatt-memorize", ["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("mosquitto_sub"))
        #expect(help.stdout.contains("--subscribe"))
    }
}
