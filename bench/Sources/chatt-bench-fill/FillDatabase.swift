import ArgumentParser
import ChatCore
import ChatStore

/// Fills a fresh SQLite database for bench/http.sh: messages spread over rooms, a few users
/// online, written through the store so the schema is the real one.
@main
struct FillDatabase: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chatt-bench-fill", abstract: "Fill a ChaTT database with synthetic messages (benchmark data).")

    @Option(help: "Database file.") var db: String
    @Option(help: "How many messages.") var messages = 100_000
    @Option(help: "How many rooms.") var rooms = 20

    func run() async throws {
        let store = try SQLiteMessageStore(path: db)
        let roomNames = try (0..<rooms).map { $0 == 0 ? RoomName.main : try RoomName("room-\($0)") }
        let start: Int64 = 1_700_000_000_000
        var written = 0
        while written < messages {
            var batch = StoreBatch()
            for index in written..<min(messages, written + 5_000) {
                let text = "message \(index): the quick brown fox jumps over the lazy dog, http://example.com/\(index)"
                batch.messages.append(NewMessage(
                    room: roomNames[index % rooms], author: "user\(index % 37)", text: text,
                    messageID: "bench-\(index)", ts: start + Int64(index) * 1000, receivedAt: start + Int64(index) * 1000))
            }
            written += batch.messages.count
            try await store.write(batch)
        }
        var online = StoreBatch()
        online.online = ["bot"] + (0..<12).map { "user\($0)" }
        try await store.write(online)
        print("filled \(db): \(try await store.messageCount()) messages in \(rooms) rooms")
    }
}
