public import ChatCore

/// A protocol v2 event that changes a stored message (SPEC.md, "Protocol v2"): an edit,
/// a delete, or a reaction added or removed, as memorize hands it to the store.
///
/// The store applies it in the write's transaction: once per ``eventID``, only when the
/// rules allow it (the target's author edits and deletes), and holds it when its target is
/// not stored yet (applied in the write that brings the target).
public struct ConversationEvent: Sendable, Hashable {
    /// What the event does.
    public enum Kind: Sendable, Hashable {
        /// Replaces the target's text.
        case edit(text: String)
        /// Removes the target's text; a tombstone stays.
        case delete
        /// Adds (`on`) or removes the author's reaction `emoji`.
        case react(emoji: String, on: Bool)

        /// The kind's name, as kept with a held event: `edit`, `delete`, `react`.
        public var name: String {
            switch self {
            case .edit: "edit"
            case .delete: "delete"
            case .react: "react"
            }
        }
    }

    /// The room it was published in; the target must be in the same room.
    public var room: RoomName
    /// Who sent it.
    public var author: String
    /// The event's own id: an event delivered twice is applied once.
    public var eventID: String
    /// The id of the message it changes.
    public var target: String
    /// What it does.
    public var kind: Kind
    /// The time it counts at (ms): the sender's `ts` when plausible, else ``receivedAt``.
    public var ts: Int64
    /// When memorize received it (ms since 1970).
    public var receivedAt: Int64

    /// Creates an event.
    public init(room: RoomName, author: String, eventID: String, target: String, kind: Kind, ts: Int64, receivedAt: Int64) {
        self.room = room
        self.author = author
        self.eventID = eventID
        self.target = target
        self.kind = kind
        self.ts = ts
        self.receivedAt = receivedAt
    }

    /// `rooms/<room>/edit`, its `ts` kept by the rule of SPEC.md (see ``plausible(_:receivedAt:)``).
    public init(room: RoomName, edit payload: EditPayload, receivedAt: Int64) {
        self.init(room: room, author: payload.author.rawValue, eventID: payload.id.rawValue, target: payload.target.rawValue,
                  kind: .edit(text: payload.text), ts: Self.plausible(payload.ts, receivedAt: receivedAt), receivedAt: receivedAt)
    }

    /// `rooms/<room>/delete`.
    public init(room: RoomName, delete payload: DeletePayload, receivedAt: Int64) {
        self.init(room: room, author: payload.author.rawValue, eventID: payload.id.rawValue, target: payload.target.rawValue,
                  kind: .delete, ts: Self.plausible(payload.ts, receivedAt: receivedAt), receivedAt: receivedAt)
    }

    /// `rooms/<room>/react`.
    public init(room: RoomName, react payload: ReactPayload, receivedAt: Int64) {
        self.init(room: room, author: payload.author.rawValue, eventID: payload.id.rawValue, target: payload.target.rawValue,
                  kind: .react(emoji: payload.emoji, on: payload.on), ts: Self.plausible(payload.ts, receivedAt: receivedAt),
                  receivedAt: receivedAt)
    }

    /// The sender's `ts` when it lies between 24 hours before and 1 minute after
    /// `receivedAt` (the rule ``NewTextPayload/plausibleTimestamp(receivedAt:)`` applies),
    /// else `receivedAt`.
    public static func plausible(_ ts: Int64, receivedAt: Int64) -> Int64 {
        let probe = NewTextPayload(author: .bot, text: "", ts: ts)
        return probe.plausibleTimestamp(receivedAt: receivedAt) ?? receivedAt
    }
}
