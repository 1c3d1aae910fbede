public import ChatCore

/// A room's topic as stored: the latest `rooms/<room>/topic` by its `ts`.
public struct RoomTopic: Sendable, Hashable {
    /// The topic; empty when it was cleared.
    public var text: String
    /// Who set it.
    public var author: String
    /// The event's id.
    public var id: String
    /// When it was set (the sender's ms since 1970).
    public var ts: Int64

    /// Creates the value.
    public init(text: String, author: String, id: String, ts: Int64) {
        self.text = text
        self.author = author
        self.id = id
        self.ts = ts
    }

    /// The topic a `rooms/<room>/topic` payload sets.
    public init(_ payload: RoomTopicPayload) {
        self.init(text: payload.text, author: payload.author.rawValue, id: payload.id.rawValue, ts: payload.ts)
    }
}

/// A room's archive state as stored: the latest `rooms/<room>/archive` by its `ts`.
/// Whether the room shows as archived also depends on its newest message (see
/// ``RoomArchivePayload/isArchived(newestMessageTs:)``): posting to it unarchives it.
public struct RoomArchive: Sendable, Hashable {
    /// Archived (`true`) or shown again.
    public var on: Bool
    /// Who did it.
    public var author: String
    /// The event's id.
    public var id: String
    /// When (the sender's ms since 1970).
    public var ts: Int64

    /// Creates the value.
    public init(on: Bool, author: String, id: String, ts: Int64) {
        self.on = on
        self.author = author
        self.id = id
        self.ts = ts
    }

    /// The state a `rooms/<room>/archive` payload sets.
    public init(_ payload: RoomArchivePayload) {
        self.init(on: payload.on, author: payload.author.rawValue, id: payload.id.rawValue, ts: payload.ts)
    }

    /// Whether the room is archived now that its newest message has `newestMessageTs`.
    public func isArchived(newestMessageTs: Int64?) -> Bool {
        on && (newestMessageTs ?? Int64.min) < ts
    }
}

/// A change to a room's settings, in a ``StoreBatch``. The store keeps, per room and per
/// kind, the change with the greatest `ts` (the latest wins, whatever order they came in).
public enum RoomSettingChange: Sendable, Hashable {
    /// A new topic.
    case topic(RoomName, RoomTopic)
    /// Archived or shown again.
    case archive(RoomName, RoomArchive)
}

/// Every room's settings: topics and archive states.
public struct RoomSettings: Sendable, Hashable {
    /// The topic of each room that has one (an empty text included: it was cleared).
    public var topics: [RoomName: RoomTopic]
    /// The archive state of each room that was ever archived.
    public var archives: [RoomName: RoomArchive]

    /// Creates the value.
    public init(topics: [RoomName: RoomTopic] = [:], archives: [RoomName: RoomArchive] = [:]) {
        self.topics = topics
        self.archives = archives
    }

    /// Applies `change` if it is newer than what is kept (a tie keeps the later one).
    public mutating func apply(_ change: RoomSettingChange) {
        switch change {
        case .topic(let room, let topic):
            if (topics[room]?.ts ?? .min) <= topic.ts { topics[room] = topic }
        case .archive(let room, let archive):
            if (archives[room]?.ts ?? .min) <= archive.ts { archives[room] = archive }
        }
    }
}
