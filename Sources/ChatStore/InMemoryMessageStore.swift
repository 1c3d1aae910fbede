public import ChatCore
internal import Synchronization

/// A ``MessageStore`` in memory, with the same semantics as ``SQLiteMessageStore``:
/// for tests and for running the server without a database.
public final class InMemoryMessageStore: MessageStore {
    private struct State {
        var messages: [StoredMessage] = []
        var messageIDs: Set<String> = []
        var rooms: [RoomName] = [.main]
        var users: [Nickname: UserInfo] = [:]
        var addresses: [AddressNickname] = []
        var online: [String] = ["bot"]
        var nextKey: Int64 = 1
        var version: Int64 = 0
        var settings: [String: String] = [:]
        var roomSettings = RoomSettings()
    }

    private let state = Mutex(State())

    /// An empty store: the room `main` and the user `bot` online.
    public init() {}

    @discardableResult
    public func write(_ batch: StoreBatch) async throws -> StoreWriteResult {
        state.withLock { Self.write(batch, into: &$0) }
    }

    private static func write(_ batch: StoreBatch, into state: inout State) -> StoreWriteResult {
        guard !batch.isEmpty else { return StoreWriteResult() }
        for room in batch.rooms + batch.messages.map(\.room) where !state.rooms.contains(room) {
            state.rooms.append(room)
        }
        var result = StoreWriteResult()
        for message in batch.messages {
            if let id = message.messageID, !state.messageIDs.insert(id).inserted {
                result.duplicates += 1
                continue
            }
            state.messages.append(StoredMessage(
                key: state.nextKey, room: message.room, author: message.author, text: message.text,
                messageID: message.messageID, ts: message.ts ?? message.receivedAt))
            state.nextKey += 1
            result.inserted += 1
        }
        for (nick, info) in batch.users.sorted(by: { $0.key < $1.key }) {
            state.users[nick] = info
            for address in info.addresses {
                addAddress(AddressNickname(address: address, nick: nick), to: &state)
            }
        }
        for pair in batch.addresses { addAddress(pair, to: &state) }
        if let online = batch.online { state.online = online }
        state.online.removeAll { batch.onlineRemoved.contains($0) }
        state.online += batch.onlineAdded
        for (key, amount) in batch.counters {
            state.settings[key] = String((state.settings[key].flatMap { Int($0) } ?? 0) + amount)
        }
        for change in batch.roomChanges { state.roomSettings.apply(change) }
        state.version += 1
        return result
    }

    public func setting(_ key: String) async throws -> String? {
        state.withLock { $0.settings[key] }
    }

    public func setting(_ key: String, default value: String) async throws -> String {
        state.withLock { state in
            if let kept = state.settings[key] { return kept }
            state.settings[key] = value
            return value
        }
    }

    private static func addAddress(_ pair: AddressNickname, to state: inout State) {
        if !state.addresses.contains(pair) { state.addresses.append(pair) }
    }

    public func lastMessages(in room: RoomName, limit: Int) async throws -> [StoredMessage] {
        state.withLock { Array($0.messages.lazy.filter { $0.room == room }.suffix(limit)) }
    }

    public func messages(in room: RoomName, before: Int64?, limit: Int) async throws -> MessagePage {
        state.withLock { state in
            let older = state.messages.filter { $0.room == room && $0.key < (before ?? .max) }
            return MessagePage(messages: Array(older.suffix(limit)), hasMore: older.count > limit)
        }
    }

    public func search(in room: RoomName, for query: String, limit: Int) async throws -> [StoredMessage] {
        let words = query.lowercased().split(whereSeparator: { $0.isWhitespace })
        guard !words.isEmpty else { return [] }
        return state.withLock { state in
            Array(state.messages.reversed().lazy.filter { message in
                let text = message.text.lowercased()
                return message.room == room && words.allSatisfy { text.contains($0) }
            }.prefix(limit))
        }
    }

    public func search(_ search: MessageSearch) async throws -> SearchPage {
        guard !search.isEmpty else { return SearchPage(messages: [], hasMore: false) }
        return state.withLock { state in
            let found = Array(state.messages.reversed().lazy.filter { search.matches($0) }.prefix(search.limit + 1))
            return SearchPage(messages: Array(found.prefix(search.limit)), hasMore: found.count > search.limit)
        }
    }

    public func roomSettings() async throws -> RoomSettings { state.withLock { $0.roomSettings } }

    public func rooms() async throws -> [RoomName] { state.withLock { $0.rooms } }

    public func onlineUsers() async throws -> [String] { state.withLock { $0.online } }

    public func version() async throws -> Int64 { state.withLock { $0.version } }

    public func lastInfo(messagesPerRoom: Int) async throws -> LastInfo {
        state.withLock { state in
            var messages: [RoomName: [StoredMessage]] = [:]
            for room in state.rooms {
                let last = state.messages.filter { $0.room == room }.suffix(messagesPerRoom)
                if !last.isEmpty { messages[room] = Array(last) }
            }
            return LastInfo(users: state.online, rooms: state.rooms, messages: messages, version: state.version)
        }
    }

    public func replaceMessages(in room: RoomName, with messages: [NewMessage]) async throws {
        state.withLock { state in
            for message in state.messages where message.room == room {
                if let id = message.messageID { state.messageIDs.remove(id) }
            }
            state.messages.removeAll { $0.room == room }
            var batch = StoreBatch()
            batch.rooms = [room]
            batch.messages = messages.map { var message = $0; message.room = room; return message }
            _ = Self.write(batch, into: &state)
        }
    }

    public func loadChatState(rules: GreetingRules) async throws -> ChatState {
        state.withLock { stored in
            var chat = ChatState(rules: rules)
            for room in stored.rooms { chat.addRoom(room) }
            for pair in stored.addresses { chat.restore(address: pair.address, nicknames: [pair.nick]) }
            for (nick, info) in stored.users { chat.restore(nick, info: info) }
            chat.setOnline(stored.online.compactMap { try? Nickname($0) })
            return chat
        }
    }

    public func forEachMessage(_ body: @Sendable ([StoredMessage]) throws -> Void) async throws {
        let all = state.withLock { $0.messages }
        var start = 0
        while start < all.count {
            try body(Array(all[start..<min(start + 2000, all.count)]))
            start += 2000
        }
    }

    public func messageCount() async throws -> Int { state.withLock { $0.messages.count } }
}
