public import ChatCore

/// A message to store, as received.
public struct NewMessage: Sendable, Hashable {
    /// The room it was said in.
    public var room: RoomName
    /// Who wrote it. Plain text: imported history may hold names today's rules refuse.
    public var author: String
    /// The text, never HTML.
    public var text: String
    /// The sender's unique id, when it gave one; a second message with the same id is not stored.
    public var messageID: String?
    /// The sender's timestamp, milliseconds since 1970.
    public var ts: Int64?
    /// When this side received it, milliseconds since 1970.
    public var receivedAt: Int64
    /// The id of the message it replies to (protocol v2), if any.
    public var replyTo: String?
    /// When it was last edited (ms), for a message imported as edited.
    public var edited: Int64?
    /// Whether it is a tombstone, for a message imported as deleted.
    public var deleted = false
    /// Its earlier texts, oldest first, for a message imported as edited.
    public var history: [EarlierText] = []
    /// Whether its author's pinned key signed it; `nil` when the author has none (plain).
    public var verdict: SignatureVerdict?

    /// Creates a message to store.
    public init(room: RoomName, author: String, text: String, messageID: String? = nil, ts: Int64? = nil, receivedAt: Int64) {
        self.room = room
        self.author = author
        self.text = text
        self.messageID = messageID
        self.ts = ts
        self.receivedAt = receivedAt
    }

    /// A message received on `rooms/<room>/newtext`. The sender's `ts` is kept only when
    /// it is plausible (``NewTextPayload/plausibleTimestamp(receivedAt:)``); otherwise the
    /// history shows the receive time.
    public init(room: RoomName, payload: NewTextPayload, receivedAt: Int64) {
        self.init(room: room, author: payload.author.rawValue, text: payload.text,
                  messageID: payload.id, ts: payload.plausibleTimestamp(receivedAt: receivedAt), receivedAt: receivedAt)
        replyTo = payload.replyTo?.rawValue
    }
}

/// A stored message.
public struct StoredMessage: Sendable, Hashable {
    /// The store's key: increases with every message stored, the cursor for paging.
    public var key: Int64
    /// The room it was said in.
    public var room: RoomName
    /// Who wrote it.
    public var author: String
    /// The text.
    public var text: String
    /// The sender's unique id, if any.
    public var messageID: String?
    /// The sender's timestamp (ms), or when it was received if the sender gave none.
    public var ts: Int64
    /// Reply, edit, delete and reactions (protocol v2); `nil` for a plain message.
    public var extras: MessageExtras?

    /// Creates a stored message.
    public init(key: Int64, room: RoomName, author: String, text: String, messageID: String?, ts: Int64, extras: MessageExtras? = nil) {
        self.key = key
        self.room = room
        self.author = author
        self.text = text
        self.messageID = messageID
        self.ts = ts
        self.extras = extras?.nonEmpty
    }
}

/// One page of a room's history, oldest first.
public struct MessagePage: Sendable, Hashable {
    /// The messages, oldest first.
    public var messages: [StoredMessage]
    /// Whether older messages exist before the first one.
    public var hasMore: Bool
    /// Whether newer messages exist after the last one (a page `around` a message).
    public var hasNewer: Bool

    /// Creates a page.
    public init(messages: [StoredMessage], hasMore: Bool, hasNewer: Bool = false) {
        self.messages = messages
        self.hasMore = hasMore
        self.hasNewer = hasNewer
    }
}

/// What a page needs when it opens: users online, rooms, and the last messages of every room.
public struct LastInfo: Sendable, Hashable {
    /// Users online, `bot` first.
    public var users: [String]
    /// Known rooms, `main` first.
    public var rooms: [RoomName]
    /// The last messages of each room that has any, oldest first.
    public var messages: [RoomName: [StoredMessage]]
    /// A number that changes whenever anything in the store changes (for caching).
    public var version: Int64

    /// Creates the value.
    public init(users: [String], rooms: [RoomName], messages: [RoomName: [StoredMessage]], version: Int64) {
        self.users = users
        self.rooms = rooms
        self.messages = messages
        self.version = version
    }
}
