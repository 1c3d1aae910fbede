internal import ChatCore
public import ChatStore
public import Hummingbird

/// One message as the page receives it: `[author, text, ts, id, key]` — the original's
/// `[author, text]` with the timestamp (ms), the sender's id (or `null`) and the store's key
/// (the cursor for `before=`) appended, so a client of the original still understands it.
public struct MessageEntry: Encodable, Sendable, Equatable {
    /// The stored message.
    public let message: StoredMessage

    /// Wraps `message`.
    public init(_ message: StoredMessage) {
        self.message = message
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(message.author)
        try container.encode(message.text)
        try container.encode(message.ts)
        if let id = message.messageID { try container.encode(id) } else { try container.encodeNil() }
        try container.encode(message.key)
    }
}

/// `GET /data/lastinfo`: `{"users": [...], "rooms": [...], "messages": {"<room>": [entry, ...]}}`,
/// each room's last messages oldest first.
public struct LastInfoResponse: Encodable, Sendable {
    /// Users online.
    public var users: [String]
    /// Known rooms, `main` first.
    public var rooms: [String]
    /// The last messages of each room that has any.
    public var messages: [String: [MessageEntry]]

    /// The response for `info`.
    public init(_ info: LastInfo) {
        self.users = info.users
        self.rooms = info.rooms.map(\.rawValue)
        var messages: [String: [MessageEntry]] = [:]
        for (room, list) in info.messages { messages[room.rawValue] = list.map(MessageEntry.init) }
        self.messages = messages
    }
}

/// `GET /data/rooms/<room>/messages`: `{"messages": [entry, ...], "hasMore": bool}`, oldest first.
public struct MessagePageResponse: ResponseEncodable, Sendable {
    /// The page, oldest first.
    public var messages: [MessageEntry]
    /// Whether older messages exist (ask again with `before=` the first entry's key).
    public var hasMore: Bool

    /// The response for `page`.
    public init(_ page: MessagePage) {
        self.messages = page.messages.map(MessageEntry.init)
        self.hasMore = page.hasMore
    }
}

/// `GET /data/rooms/<room>/search`: `{"messages": [entry, ...]}`, newest first.
public struct SearchResponse: ResponseEncodable, Sendable {
    /// The matches, newest first.
    public var messages: [MessageEntry]

    /// The response for `matches`.
    public init(_ matches: [StoredMessage]) {
        self.messages = matches.map(MessageEntry.init)
    }
}

/// A short JSON answer: `{"status": "ok"}`.
struct StatusResponse: ResponseEncodable, Sendable {
    var status: String
}
