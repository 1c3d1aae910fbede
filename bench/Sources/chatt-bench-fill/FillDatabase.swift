import ArgumentParser
import ChatCore
import ChatStore

/// Fills a fresh SQLite database for bench/http.sh: messages spread over rooms, a few users
/// online, written through the store so the schema is the real one. With `--v2-share`, that
/// share of the messages also carries protocol v2 extras (issue 16's lastinfo benchmark):
/// alternately an edit by its author, and one to three reactions by others.
@main
struct FillDatabase: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chatt-bench-fill", abstract: "Fill a ChaTT database with synthetic messages (benchmark data).")

    @Option(help: "Database file.") var db: String
    @Option(help: "How many messages.") var messages = 100_000
    @Option(help: "How many rooms.") var rooms = 20
    @Option(help: "Share of messages (0...1) with an edit or reactions, e.g. 0.2.") var v2Share = 0.0

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
            let every = v2Share > 0 ? max(1, Int((1 / v2Share).rounded())) : 0
            if every > 0 {
                for index in written..<min(messages, written + 5_000) where (index / rooms) % every == 0 {
                    batch.events += extras(index: index, room: roomNames[index % rooms], ts: start + Int64(index) * 1000 + 500)
                }
            }
            written += batch.messages.count
            try await store.write(batch)
        }
        var online = StoreBatch()
        online.online = ["bot"] + (0..<12).map { "user\($0)" }
        try await store.write(online)
        print("filled \(db): \(try await store.messageCount()) messages in \(rooms) rooms")
    }

    /// The v2 events for message `index` (each room's every n-th message): every other one an edit by its author, the rest
    /// one to three reactions by other users.
    private func extras(index: Int, room: RoomName, ts: Int64) -> [ConversationEvent] {
        let target = "bench-\(index)"
        if (index / rooms / max(1, Int((1 / v2Share).rounded()))) % 2 == 0 {
            return [ConversationEvent(
                room: room, author: "user\(index % 37)", eventID: "bench-edit-\(index)", target: target,
                kind: .edit(text: "message \(index) (edited): the quick brown fox jumps over the lazy dog"), ts: ts, receivedAt: ts)]
        }
        let emoji = ["👍", "🎉", "❤️"]
        return (0..<(1 + index % 3)).map { number in
            ConversationEvent(
                room: room, author: "user\((index + number + 1) % 37)", eventID: "bench-react-\(index)-\(number)",
                target: target, kind: .react(emoji: emoji[number], on: true), ts: ts, receivedAt: ts)
        }
    }
}
