internal import ChatCore
internal import Foundation

/// Reads what ``JSONLinesExport`` writes: one `{"room","author","text","ts","id"}` object a
/// line, with the optional protocol v2 fields `replyTo`, `edited`, `deleted`,
/// `reactions` (`{"👍": ["ann", "bob"]}`), `history` (`[{"text","ts"}]`) and `sig` (the
/// verdict); then the direct messages (`{"direct": {…}, "receivedAt", "verdict"}`) and the
/// pinned keys (`{"pinnedKey", "sign", "dh"}`). Reactions become react events with ids made
/// from the message, the emoji and the author, so importing the same file twice changes
/// nothing; a direct message already there (same conversation and id) is not stored again;
/// a key is pinned only where its nickname has none (a different pin here is kept, and said).
public enum JSONLinesImport {
    /// One line understood: a message, a direct message or a pinned key.
    struct Line: Decodable {
        var room: String?
        var author: String?
        var text: String?
        var ts: Int64?
        var id: String?
        var replyTo: String?
        var edited: Int64?
        var deleted: Bool?
        var reactions: [String: [String]]?
        var history: [EarlierText]?
        var sig: String?
        var direct: Direct?
        var receivedAt: Int64?
        var verdict: String?
        var pinnedKey: String?
        var sign: String?
        var dh: String?

        /// A direct message's envelope, as it came.
        struct Direct: Decodable {
            var from: String
            var to: String
            var id: String
            var ts: Int64
            var nonce: String
            var ct: String
            var sig: String
        }

        /// Whether it is one of the lines the export writes.
        var isExportLine: Bool { (room != nil && author != nil && text != nil) || direct != nil || pinnedKey != nil }
    }

    /// Whether `firstLine` looks like an export line (an object with `room`, `author` and
    /// `text`, or a direct message or pinned key), rather than the original's `chatinfo.json`.
    public static func looksLikeExport(_ firstLine: some StringProtocol) -> Bool {
        guard let data = String(firstLine).data(using: .utf8) else { return false }
        return (try? JSONDecoder().decode(Line.self, from: data))?.isExportLine == true
    }

    /// What an import did.
    public struct Report: Sendable, Hashable {
        /// Messages stored.
        public var messagesStored = 0
        /// Messages already there (same id).
        public var messagesAlreadyStored = 0
        /// Reactions applied.
        public var reactions = 0
        /// Direct messages read (one already there is not stored again).
        public var directs = 0
        /// Keys pinned (or pinned to the same keys already).
        public var pinnedKeys = 0
        /// Lines skipped, each with why.
        public var skipped: [String] = []
    }

    /// Imports the lines of `text` into `store`, in batches of `batchSize`.
    public static func importLines(_ text: String, into store: some MessageStore, batchSize: Int = 2_000,
                                   receivedAt: Int64) async throws -> Report {
        var report = Report()
        var batch = StoreBatch()
        var pins: [(line: Int, nick: Nickname, identity: PublicIdentity)] = []
        let decoder = JSONDecoder()
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            guard let line = try? decoder.decode(Line.self, from: Data(raw.utf8)), line.isExportLine else {
                report.skipped.append("line \(number + 1): not an export line {\"room\",\"author\",\"text\",…}")
                continue
            }
            if let direct = line.direct {
                batch.directs.append(DirectMessage(
                    from: direct.from, to: direct.to, id: direct.id, ts: direct.ts, nonce: direct.nonce, ct: direct.ct, sig: direct.sig,
                    receivedAt: line.receivedAt ?? direct.ts, verdict: line.verdict.flatMap(SignatureVerdict.init(rawValue:))))
                report.directs += 1
            } else if let nick = line.pinnedKey {
                guard let name = try? Nickname(nick), let sign = line.sign, let dh = line.dh,
                      let identity = try? PublicIdentity(sign: sign, dh: dh) else {
                    report.skipped.append("line \(number + 1): a pinned key needs a valid nickname and its \"sign\" and \"dh\" keys")
                    continue
                }
                guard name != .bot else {
                    report.skipped.append("line \(number + 1): bot's key is memorize's own, never imported")
                    continue
                }
                pins.append((number + 1, name, identity))
            } else if let room = line.room, let author = line.author, let text = line.text {
                guard let room = try? RoomName(room) else {
                    report.skipped.append("line \(number + 1): \(room.debugDescription) is not a valid room name")
                    continue
                }
                appendMessage(line, room: room, author: author, text: text, to: &batch, receivedAt: receivedAt)
            }
            if batch.messages.count + batch.directs.count >= batchSize { try await flush(&batch, into: store, report: &report) }
        }
        try await flush(&batch, into: store, report: &report)
        for pin in pins {
            if case .refused = try await store.pin(pin.identity, for: pin.nick) {
                report.skipped.append("line \(pin.line): \(pin.nick) is pinned to other keys here; those are kept (chatt-memorize --forget-key releases it)")
            } else {
                report.pinnedKeys += 1
            }
        }
        return report
    }

    /// A message line (with its reactions) into `batch`.
    private static func appendMessage(_ line: Line, room: RoomName, author: String, text: String, to batch: inout StoreBatch,
                                      receivedAt: Int64) {
        var message = NewMessage(room: room, author: author, text: line.deleted == true ? "" : text,
                                 messageID: line.id, ts: line.ts, receivedAt: line.ts ?? receivedAt)
        message.replyTo = line.replyTo
        message.edited = line.edited
        message.deleted = line.deleted ?? false
        message.verdict = line.sig.flatMap(SignatureVerdict.init(rawValue:))
        if line.id != nil { message.history = line.history ?? [] }
        batch.messages.append(message)
        guard let id = line.id else { return }
        for (emoji, authors) in (line.reactions ?? [:]).sorted(by: { $0.key < $1.key }) {
            for author in authors {
                batch.events.append(ConversationEvent(
                    room: room, author: author, eventID: "import:\(id):\(emoji):\(author)", target: id,
                    kind: .react(emoji: emoji, on: true), ts: message.ts ?? receivedAt, receivedAt: receivedAt))
            }
        }
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
