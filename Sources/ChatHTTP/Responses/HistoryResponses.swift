internal import ChatCore
public import ChatStore
public import Hummingbird

/// One message as the page receives it: `[author, text, ts, id, key]` — the original's
/// `[author, text]` with the timestamp (ms), the sender's id (or `null`) and the store's key
/// (the cursor for `before=`) appended, so a client of the original still understands it.
/// A reply, an edited or deleted message, or one with reactions has a sixth element,
/// `{"replyTo", "edited", "deleted", "reactions"}` (each only when it has something; see
/// ``MessageExtrasEntry``).
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
        if let extras = message.extras, !extras.isEmpty { try container.encode(MessageExtrasEntry(extras)) }
    }
}

/// `GET /data/lastinfo`: `{"users": [...], "rooms": [...], "messages": {"<room>": [entry, ...]}}`,
/// each room's last messages oldest first.
///
/// When a room's last messages would not fit the byte budget (see
/// ``init(_:byteBudget:)``), its list is cut to the newest that fit and `"olderBefore"`
/// names, for that room, the key to ask `/data/rooms/<room>/messages?before=` with for the
/// rest. A client of the original ignores the extra key.
public struct LastInfoResponse: Encodable, Sendable {
    /// Users online.
    public var users: [String]
    /// Known rooms, `main` first.
    public var rooms: [String]
    /// The last messages of each room that has any.
    public var messages: [String: [MessageEntry]]
    /// For each room whose list was cut short by the byte budget: the `before=` key of the
    /// first older message not sent. `nil` (and absent from the JSON) when nothing was cut.
    public var olderBefore: [String: Int64]?
    /// Each room's topic, when it has one: `{"<room>": {"text","author","ts"}}` (absent when
    /// no room has one). See ``add(_:of:)``.
    public var topics: [String: TopicEntry]?
    /// The rooms archived (hidden from the room list), absent when none is.
    public var archived: [String]?
    /// The pinned keys, `{"<nick>": {"sign","dh"}}` (absent when none is pinned).
    public var keys: [String: KeyEntry]?

    /// The response for `info`, every message included.
    public init(_ info: LastInfo) {
        self.init(info, byteBudget: .max)
    }

    /// The response for `info`, holding at most about `byteBudget` bytes of messages as JSON.
    ///
    /// The budget is shared fairly: the newest message of every room first, then the second
    /// newest of every room, and so on, so one room full of huge messages cannot crowd the
    /// others out. A room's list stays a contiguous run of its newest messages.
    public init(_ info: LastInfo, byteBudget: Int) {
        self.users = info.users
        self.rooms = info.rooms.map(\.rawValue)
        // Rooms in their known order (main first), then any other that has messages.
        var order = info.rooms.filter { info.messages[$0] != nil }
        let known = Set(order)
        order += info.messages.keys.filter { !known.contains($0) }.sorted { $0.rawValue < $1.rawValue }
        var remaining = byteBudget
        var taken = [Int](repeating: 0, count: order.count)
        var open = Set(order.indices)
        var depth = 0
        while !open.isEmpty {
            for index in order.indices where open.contains(index) {
                let list = info.messages[order[index]] ?? []
                guard depth < list.count else {
                    open.remove(index)
                    continue
                }
                let size = MessageEntry.estimatedSize(list[list.count - 1 - depth])
                guard size <= remaining else {
                    open.remove(index)  // keep the run contiguous: nothing older for this room
                    continue
                }
                remaining -= size
                taken[index] += 1
            }
            depth += 1
        }
        var messages: [String: [MessageEntry]] = [:]
        var olderBefore: [String: Int64] = [:]
        for (index, room) in order.enumerated() {
            let list = info.messages[room] ?? []
            let kept = list.suffix(taken[index])
            if !kept.isEmpty { messages[room.rawValue] = kept.map(MessageEntry.init) }
            if kept.count < list.count {
                // The first message not sent is older than every one sent: ask before the
                // oldest sent, or, when none was, before the newest not sent (keys grow).
                olderBefore[room.rawValue] = kept.first?.key ?? (list[list.count - 1].key + 1)
            }
        }
        self.messages = messages
        self.olderBefore = olderBefore.isEmpty ? nil : olderBefore
    }
}

extension MessageEntry {
    /// About how many bytes `message` takes as a JSON entry, never fewer: the strings as
    /// JSON escapes them (a control character takes 6), plus the numbers and punctuation.
    static func estimatedSize(_ message: StoredMessage) -> Int {
        jsonStringSize(message.author) + jsonStringSize(message.text) + jsonStringSize(message.messageID ?? "null")
            + 2 * 20 + 8 + (message.extras.map(MessageExtrasEntry.estimatedSize) ?? 0)
    }

    static func jsonStringSize(_ text: String) -> Int {
        var size = 2
        for byte in text.utf8 {
            switch byte {
            case 0..<0x20: size += 6
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): size += 2
            default: size += 1
            }
        }
        return size
    }
}

/// `GET /data/rooms/<room>/messages`: `{"messages": [entry, ...], "hasMore": bool}`, oldest first.
public struct MessagePageResponse: ResponseEncodable, Sendable {
    /// The page, oldest first.
    public var messages: [MessageEntry]
    /// Whether older messages exist (ask again with `before=` the first entry's key).
    public var hasMore: Bool
    /// For a page `around=` a message only: whether newer messages exist after the last
    /// one. Absent from `before=` pages.
    public var hasNewer: Bool?

    /// The response for `page`; `around` says whether it answers `around=` (with `hasNewer`).
    public init(_ page: MessagePage, around: Bool = false) {
        self.messages = page.messages.map(MessageEntry.init)
        self.hasMore = page.hasMore
        self.hasNewer = around ? page.hasNewer : nil
    }
}

/// `GET /data/rooms/<room>/search`: `{"messages": [entry, ...], "hasMore": bool}`, newest first.
public struct SearchResponse: ResponseEncodable, Sendable {
    /// The matches, newest first.
    public var messages: [MessageEntry]
    /// Whether more matches exist (ask again with `before=` the last entry's key).
    public var hasMore: Bool

    /// The response for `matches`.
    public init(_ matches: [StoredMessage], hasMore: Bool = false) {
        self.messages = matches.map(MessageEntry.init)
        self.hasMore = hasMore
    }
}

/// A short JSON answer: `{"status": "ok"}`.
struct StatusResponse: ResponseEncodable, Sendable {
    var status: String
}
