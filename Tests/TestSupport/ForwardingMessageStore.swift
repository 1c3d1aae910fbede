public import ChatCore
public import ChatStore

/// A test store that does what `inner` does, except what it says otherwise: a fake
/// implements only the calls it changes (a write that fails, a read that hangs).
public protocol ForwardingMessageStore: MessageStore {
    /// The store that does the real work.
    var inner: any MessageStore { get }
}

extension ForwardingMessageStore {
    public func write(_ batch: StoreBatch) async throws -> StoreWriteResult { try await inner.write(batch) }
    public func setting(_ key: String) async throws -> String? { try await inner.setting(key) }
    public func setting(_ key: String, default value: String) async throws -> String {
        try await inner.setting(key, default: value)
    }
    public func pinKey(_ value: String, for nick: String) async throws -> (kept: String, isNew: Bool) {
        try await inner.pinKey(value, for: nick)
    }
    public func pinnedKeyValues() async throws -> [String: String] { try await inner.pinnedKeyValues() }
    public func forgetKey(of nick: String) async throws -> Bool { try await inner.forgetKey(of: nick) }
    public func directMessages(in conversation: DirectConversation, before: Int64?, limit: Int) async throws -> DirectPage {
        try await inner.directMessages(in: conversation, before: before, limit: limit)
    }
    public func forEachDirectMessage(_ body: @Sendable ([DirectMessage]) throws -> Void) async throws {
        try await inner.forEachDirectMessage(body)
    }
    public func refusesContent(_ error: any Error) -> Bool { inner.refusesContent(error) }
    public func lastMessages(in room: RoomName, limit: Int) async throws -> [StoredMessage] {
        try await inner.lastMessages(in: room, limit: limit)
    }
    public func messages(in room: RoomName, before: Int64?, limit: Int) async throws -> MessagePage {
        try await inner.messages(in: room, before: before, limit: limit)
    }
    public func messages(in room: RoomName, around messageID: String, limit: Int) async throws -> MessagePage? {
        try await inner.messages(in: room, around: messageID, limit: limit)
    }
    public func heldEventCount() async throws -> Int { try await inner.heldEventCount() }
    public func search(in room: RoomName, for query: String, limit: Int) async throws -> [StoredMessage] {
        try await inner.search(in: room, for: query, limit: limit)
    }
    public func search(_ search: MessageSearch) async throws -> SearchPage { try await inner.search(search) }
    public func roomSettings() async throws -> RoomSettings { try await inner.roomSettings() }
    public func rooms() async throws -> [RoomName] { try await inner.rooms() }
    public func onlineUsers() async throws -> [String] { try await inner.onlineUsers() }
    public func lastInfo(messagesPerRoom: Int) async throws -> LastInfo { try await inner.lastInfo(messagesPerRoom: messagesPerRoom) }
    public func version() async throws -> Int64 { try await inner.version() }
    public func replaceMessages(in room: RoomName, with messages: [NewMessage]) async throws {
        try await inner.replaceMessages(in: room, with: messages)
    }
    public func loadChatState(rules: GreetingRules) async throws -> ChatState { try await inner.loadChatState(rules: rules) }
    public func forEachMessage(_ body: @Sendable ([StoredMessage]) throws -> Void) async throws {
        try await inner.forEachMessage(body)
    }
    public func messageCount() async throws -> Int { try await inner.messageCount() }
    public func checkHealth() async throws { try await inner.checkHealth() }
    public func savePushSubscription(_ subscription: StoredPushSubscription) async throws -> Bool {
        try await inner.savePushSubscription(subscription)
    }
    public func deletePushSubscription(endpoint: String) async throws -> Bool {
        try await inner.deletePushSubscription(endpoint: endpoint)
    }
    public func pushSubscriptions() async throws -> [StoredPushSubscription] { try await inner.pushSubscriptions() }
}
