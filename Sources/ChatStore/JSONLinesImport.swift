internal import ChatCore
internal import Foundation

/// Reads what ``JSONLinesExport`` writes: one `{"room","author","text","ts","id"}` object a
/// line, with the optional protocol v2 fields `replyTo`, `edited`, `deleted`,
/// `reactions` (`{"👍": ["ann", "bob"]}`) and `history` (`[{"text","ts"}]`). Reactions become react events with ids made from
/// the message, the emoji and the author, so importing the same file twice changes nothing.
public enum JSONLinesImport {
    /// One line understood.
    struct Line: Decodable {
        var room: String
        var author: String
        var text: String
        var ts: Int64?
        var id: String?
        var replyTo: String?
        var edited: Int64?
        var deleted: Bool?
        var reactions: [String: [String]]?
        var history: [EarlierText]?
    }

    /// Whether `firstLine` looks like an export line (an object with `room`, `author` and
    /// `text`), rather than the original's `chatinfo.json`.
    public static func looksLikeExport(_ firstLine: some StringProtocol) -> Bool {
        guard let data = String(firstLine).data(using: .utf8) else { return false }
        return (try? JSONDecoder().decode(Line.self, from: data)) != nil
    }

    /// What an import did.
    public struct Report: Sendable, Hashable {
        /// Messages stored.
        public var messagesStored = 0
        /// Messages already there (same id).
        public var messagesAlreadyStored = 0
        /// Reactions applied.
        public var reactions = 0
        /// Lines skipped, each with why.
        public var skipped: [String] = []
    }

    /// Imports the lines of `text` into `store`, in batches of `batchSize`.
    public static func importLines(_ text: String, into store: some MessageStore, batchSize: Int = 2_000,
                                   receivedAt: Int64) async throws -> Report {
        var report = Report()
        var batch = StoreBatch()
        let decoder = JSONDecoder()
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            guard let line = try? decoder.decode(Line.self, from: Data(raw.utf8)) else {
                report.skipped.append("line \(number + 1): not an export line {\"room\",\"author\",\"text\",…}")
                continue
            }
            guard let room = try? RoomName(line.room) else {
                report.skipped.append("line \(number + 1): \(line.room.debugDescription) is not a valid room name")
                continue
            }
            var message = NewMessage(room: room, author: line.author, text: line.deleted == true ? "" : line.text,
                                     messageID: line.id, ts: line.ts, receivedAt: line.ts ?? receivedAt)
            message.replyTo = line.replyTo
            message.edited = line.edited
            message.deleted = line.deleted ?? false
            if line.id != nil { message.history = line.history ?? [] }
            batch.messages.append(message)
            if let id = line.id {
                for (emoji, authors) in (line.reactions ?? [:]).sorted(by: { $0.key < $1.key }) {
                    for author in authors {
                        batch.events.append(ConversationEvent(
                            room: room, author: author, eventID: "import:\(id):\(emoji):\(author)", target: id,
                            kind: .react(emoji: emoji, on: true), ts: message.ts ?? receivedAt, receivedAt: receivedAt))
                    }
                }
            }
            if batch.messages.count >= batchSize { try await flush(&batch, into: store, report: &report) }
        }
        try await flush(&batch, into: store, report: &report)
        return report
    }

    private static func flush(_ batch: inout StoreBatch, into store: some MessageStore, report: inout Report) async throws {
        guard !batch.isEmpty else { return }
        let result = try await store.write(batch)
        report.messagesStored += result.inserted
        report.messagesAlreadyStored += result.duplicates
        report.reactions += result.events.applied
        batch = StoreBatch()
    }
}
