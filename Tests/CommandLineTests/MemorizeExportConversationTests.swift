import ChatTestSupport
import Foundation
import Testing

@Suite("chatt-memorize: protocol v2 on standard input, --export and --import")
struct MemorizeExportConversationTests {
    let offline = ["--broker", "mqtt://127.0.0.1:9", "--no-reverse-dns"]

    @Test("stdin: v2 events are applied; the export carries them and an import of it gives the same export")
    func roundTrip() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-v2-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = directory.appendingPathComponent("first.db").path
        let second = directory.appendingPathComponent("second.db").path
        let ts = Int64(Date().timeIntervalSince1970 * 1_000)
        let input = [
            #"rooms/main/react {"author":"bob","id":"react-0001","ts":\#(ts),"target":"message-0001","emoji":"👍","on":true}"#,
            #"rooms/main/newtext {"author":"ann","text":"helo","id":"message-0001","ts":\#(ts)}"#,
            #"rooms/main/newtext {"author":"bob","text":"hi","id":"message-0002","ts":\#(ts),"replyTo":"message-0001"}"#,
            #"rooms/main/newtext {"author":"bob","text":"oops","id":"message-0003","ts":\#(ts)}"#,
            #"rooms/main/edit {"author":"ann","id":"edit-00001","ts":\#(ts + 5),"target":"message-0001","text":"hello"}"#,
            #"rooms/main/delete {"author":"bob","id":"delete-0001","ts":\#(ts),"target":"message-0003"}"#,
            #"rooms/main/newtext {"author":"cy","text":"plain","ts":\#(ts)}"#,
        ].joined(separator: "\n") + "\n"
        let stored = try await runProduct("chatt-memorize", ["--db", first] + offline, input: input)
        #expect(stored.status == 0, "\(stored.stderr)")
        let exported = try await runProduct("chatt-memorize", ["--export", "--db", first])
        #expect(exported.status == 0, "\(exported.stderr)")
        let lines = exported.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        let objects = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects[0]["text"] as? String == "hello")
        #expect((objects[0]["edited"] as? NSNumber)?.int64Value == ts + 5)
        #expect(objects[0]["reactions"] as? [String: [String]] == ["👍": ["bob"]])
        let history = try #require(objects[0]["history"] as? [[String: Any]])
        #expect(history.map { $0["text"] as? String } == ["helo"])
        #expect((history.first?["ts"] as? NSNumber)?.int64Value == ts)
        #expect(objects[1]["replyTo"] as? String == "message-0001")
        #expect(objects[2]["deleted"] as? Bool == true && objects[2]["text"] as? String == "")
        #expect(Set(objects[3].keys) == ["room", "author", "text", "ts", "id"], "a plain message keeps the original line")

        let file = directory.appendingPathComponent("export.jsonl")
        try Data(exported.stdout.utf8).write(to: file)
        let imported = try await runProduct("chatt-memorize", ["--import", file.path, "--db", second])
        #expect(imported.status == 0, "\(imported.stderr)")
        let again = try await runProduct("chatt-memorize", ["--export", "--db", second])
        #expect(again.stdout == exported.stdout)
        let twice = try await runProduct("chatt-memorize", ["--import", file.path, "--db", second])
        #expect(twice.status == 0)
        // Lines with an id are not stored again (nor their reactions); a line without one
        // is, as ever (nothing tells it from a second message with the same text).
        let afterTwice = try await runProduct("chatt-memorize", ["--export", "--db", second]).stdout
        #expect(afterTwice == exported.stdout + lines[3] + "\n")
    }
}
