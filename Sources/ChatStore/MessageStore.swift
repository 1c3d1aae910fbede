public import ChatCore

/// Where the chat's history and users live.
///
/// ``SQLiteMessageStore`` is the real one; ``InMemoryMessageStore`` serves tests and
/// previews. Every read is O(page), never O(history).
public protocol MessageStore: Sendable {
    /// Writes a batch in one transaction (group commit).
    @discardableResult
    func write(_ batch: StoreBatch) async throws -> StoreWriteResult

    /// The value kept under `key` (memorize's client id, a counter such as
    /// ``SettingKey/setAsideMessages``), or `nil`.
    func setting(_ key: String) async throws -> String?

    /// Keeps `value` under `key` unless a value is there already, and returns the value
    /// kept: two processes asking at once get the same answer.
    func setting(_ key: String, default value: String) async throws -> String

    /// Keeps `value` (``PinnedKey/storedValue``) as `nick`'s pinned key unless one is
    /// kept already, and returns the value kept and whether it is `value`, kept now: the
    /// first key wins, also between two processes (trust on first use; see
    /// ``MessageStore/pin(_:for:)``).
    func pinKey(_ value: String, for nick: String) async throws -> (kept: String, isNew: Bool)

    /// Every pinned key, by nickname, as stored (``PinnedKey/storedValue``).
    func pinnedKeyValues() async throws -> [String: String]

    /// Releases `nick`'s pinned key (`chatt-memorize --forget-key`); returns whether one was kept.
    func forgetKey(of nick: String) async throws -> Bool

    /// Up to `limit` direct messages of `conversation` older than the one with key `before`
    /// (or the newest when `nil`), oldest first: ciphertext only, as they came.
    func directMessages(in conversation: DirectConversation, before: Int64?, limit: Int) async throws -> DirectPage

    /// Calls `body` with every direct message, in the order they were stored, a chunk at a
    /// time (for the export).
    func forEachDirectMessage(_ body: @Sendable ([DirectMessage]) throws -> Void) async throws

    /// Whether `error`, thrown by ``write(_:)``, means that the store refuses something the
    /// batch holds (a value it cannot represent, say), so that the same write fails
    /// whenever it is tried again, rather than that it cannot write at all (a full disk, a
    /// lost connection), which may pass. A message refused this way is set aside, so that
    /// it never blocks the ones after it.
    func refusesContent(_ error: any Error) -> Bool

    /// The last `limit` messages of `room`, oldest first.
    func lastMessages(in room: RoomName, limit: Int) async throws -> [StoredMessage]

    /// Up to `limit` messages of `room` older than the message with key `before` (or the
    /// newest when `nil`), oldest first.
    func messages(in room: RoomName, before: Int64?, limit: Int) async throws -> MessagePage

    /// The page of `room` holding the message whose sender id is `messageID`: up to
    /// `limit` messages, about half older and half newer; `nil` when the room has no such
    /// message.
    func messages(in room: RoomName, around messageID: String, limit: Int) async throws -> MessagePage?

    /// How many v2 events wait for the message they refer to (see ``ConversationEvent``).
    func heldEventCount() async throws -> Int

    /// Up to `limit` messages of `room` matching every word of `query`, newest first.
    func search(in room: RoomName, for query: String, limit: Int) async throws -> [StoredMessage]

    /// Up to `search.limit` messages matching `search` (words, author, room or all rooms,
    /// older than `before`), newest first, and whether more match past them.
    func search(_ search: MessageSearch) async throws -> SearchPage

    /// Every room's topic and archive state (latest by `ts`).
    func roomSettings() async throws -> RoomSettings

    /// Known rooms, `main` first, then in the order they became known.
    func rooms() async throws -> [RoomName]

    /// The users online, as last written.
    func onlineUsers() async throws -> [String]

    /// Users, rooms and the last `messagesPerRoom` messages of every room, read at once.
    func lastInfo(messagesPerRoom: Int) async throws -> LastInfo

    /// A number that changes whenever the store changes; cheap to read.
    func version() async throws -> Int64

    /// Replaces a room's whole log (the original's `/cmd/setRoomMessages`).
    func replaceMessages(in room: RoomName, with messages: [NewMessage]) async throws

    /// The chat as last stored: rooms, users online and every user's record.
    func loadChatState(rules: GreetingRules) async throws -> ChatState

    /// Calls `body` with every message, oldest first, in chunks of bounded size.
    func forEachMessage(_ body: @Sendable ([StoredMessage]) throws -> Void) async throws

    /// How many messages are stored.
    func messageCount() async throws -> Int

    /// Keeps `subscription` (replacing one with the same endpoint, its room choices included,
    /// but keeping its first `created`); returns whether it is new.
    func savePushSubscription(_ subscription: StoredPushSubscription) async throws -> Bool

    /// Removes the subscription of `endpoint` and its room choices; returns whether there was one.
    func deletePushSubscription(endpoint: String) async throws -> Bool

    /// Every push subscription, with its room choices, oldest first.
    func pushSubscriptions() async throws -> [StoredPushSubscription]

    /// Throws, saying why, when the store cannot serve: the database does not answer, or
    /// (SQLite) its file was deleted or replaced while open. What `/healthz` asks.
    func checkHealth() async throws
}

extension MessageStore {
    /// Reads ``version()``: the store answers.
    public func checkHealth() async throws {
        _ = try await version()
    }
}

extension MessageStore {
    /// By default no error is about the content.
    public func refusesContent(_ error: any Error) -> Bool { false }
}
