internal import ChatCore
public import Hummingbird
public import ChatStore

/// A room's topic in `/data/lastinfo`: `{"text","author","ts"}`.
public struct TopicEntry: Encodable, Sendable, Equatable {
    /// The topic.
    public var text: String
    /// Who set it.
    public var author: String
    /// When (ms since 1970).
    public var ts: Int64
}

extension LastInfoResponse {
    /// Adds the rooms' topics (non-empty ones) and the archived rooms: archived by the latest
    /// `archive` event and no message since (``RoomArchive/isArchived(newestMessageTs:)``).
    /// Additive keys: a client of the original ignores them.
    public mutating func add(_ settings: RoomSettings, of info: LastInfo) {
        var topics: [String: TopicEntry] = [:]
        for (room, topic) in settings.topics where !topic.text.isEmpty && info.rooms.contains(room) {
            topics[room.rawValue] = TopicEntry(text: topic.text, author: topic.author, ts: topic.ts)
        }
        let archived = info.rooms.filter { room in
            settings.archives[room]?.isArchived(newestMessageTs: info.messages[room]?.last?.ts) ?? false
        }
        self.topics = topics.isEmpty ? nil : topics
        self.archived = archived.isEmpty ? nil : archived.map(\.rawValue)
    }
}

/// `GET /data/search`: `{"results": [{"room", "message": entry}, ...], "hasMore": bool}`,
/// newest first, across every room.
public struct AllRoomSearchResponse: ResponseEncodable, Sendable {
    /// One match and its room.
    public struct Result: Encodable, Sendable {
        /// The room it was said in.
        public var room: String
        /// The message, as in every other answer.
        public var message: MessageEntry
    }

    /// The matches, newest first.
    public var results: [Result]
    /// Whether more matches exist (ask again with `before=` the last message's key).
    public var hasMore: Bool

    /// The response for `page`.
    public init(_ page: SearchPage) {
        results = page.messages.map { Result(room: $0.room.rawValue, message: MessageEntry($0)) }
        hasMore = page.hasMore
    }
}
