public import ChatCore
internal import Synchronization

/// A ``MessageStore`` in memory, with the same semantics as ``SQLiteMessageStore``:
/// for tests and for running the server without a database.
public final class InMemoryMessageStore: MessageStore {
    struct State {
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
        /// v2: the key of each message by sender id, earlier texts, events dealt with, held events.
        var keysByID: [String: Int64] = [:]
        var earlierTexts: [Int64: [(text: String, ts: Int64)]] = [:]
        var doneEvents: Set<String> = []
        var held: [ConversationEvent] = []
        var heldIDs: Set<String> = []
        /// Direct messages by conversation, the ids stored, the next key.
        var directs: [DirectConversation: [DirectMessage]] = [:]
        var directIDs: Set<String> = []
        var nextDirectKey: Int64 = 1
        /// Web Push subscriptions, oldest first.
        var pushSubscriptions: [StoredPushSubscription] = []
    }

    let state = Mutex(State())

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
        var arrived: [String] = []
        for message in batch.messages {
            if let id = message.messageID, !state.messageIDs.insert(id).inserted {
                result.duplicates += 1
                continue
            }
            state.messages.append(StoredMessage(
                key: state.nextKey, room: message.room, author: message.author, text: message.text,
                messageID: message.messageID, ts: message.ts ?? message.receivedAt,
                extras: MessageExtras(replyTo: message.replyTo, edited: message.edited, deleted: message.deleted,
                                      sig: message.verdict)))
            if let id = message.messageID {
                state.keysByID[id] = state.nextKey
                arrived.append(id)
            }
            if !message.history.isEmpty { state.earlierTexts[state.nextKey] = message.history.map { ($0.text, $0.ts) } }
            state.nextKey += 1
            result.inserted += 1
        }
        // Never throws: the in-memory ledger has nothing that fails.
        result.events = (try? ConversationRules.apply(batch.events, arrived: arrived, to: &state)) ?? ConversationOutcome()
        if result.events.droppedHeld > 0 {
            let key = SettingKey.droppedHeldEvents
            state.settings[key] = String((state.settings[key].flatMap { Int($0) } ?? 0) + result.events.droppedHeld)
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
        _ = writeDirects(batch.directs, into: &state)
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
                guard message.extras?.deleted != true else { return false }
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
                if let id = message.messageID {
                    state.messageIDs.remove(id)
                    state.keysByID[id] = nil
                }
                state.earlierTexts[message.key] = nil
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
        let all = state.withLock { state in
            state.messages.map { message in
                guard let earlier = state.earlierTexts[message.key], !earlier.isEmpty else { return message }
                var copy = message
                var extras = copy.extras ?? MessageExtras()
                extras.history = earlier.map { EarlierText(text: $0.text, ts: $0.ts) }
                copy.extras = extras
                return copy
            }
        }
        var start = 0
        while start < all.count {
            try body(Array(all[start..<min(start + 2000, all.count)]))
            start += 2000
        }
    }

    public func messageCount() async throws -> Int { state.withLock { $0.messages.count } }
}

extension InMemoryMessageStore {
    public func messages(in room: RoomName, around messageID: String, limit: Int) async throws -> MessagePage? {
        state.withLock { state in
            guard let key = state.keysByID[messageID] else { return nil }
            let inRoom = state.messages.filter { $0.room == room }
            guard let position = inRoom.firstIndex(where: { $0.key == key }) else { return nil }
            let newerWanted = max(0, (limit - 1) / 2)
            let newer = inRoom[(position + 1)...].prefix(newerWanted)
            let olderWanted = limit - newer.count
            let older = inRoom[...position].suffix(olderWanted)
            return MessagePage(messages: Array(older) + Array(newer), hasMore: older.startIndex > inRoom.startIndex,
                               hasNewer: newer.endIndex < inRoom.endIndex)
        }
    }

    public func heldEventCount() async throws -> Int { state.withLock { $0.held.count } }
}

extension InMemoryMessageStore.State: ConversationLedger {
    private func position(of key: Int64) -> Int? {
        var low = 0, high = messages.count
        while low < high {
            let middle = (low + high) / 2
            if messages[middle].key < key { low = middle + 1 } else { high = middle }
        }
        return low < messages.count && messages[low].key == key ? low : nil
    }

    func knowsEvent(_ eventID: String) -> Bool {
        doneEvents.contains(eventID) || heldIDs.contains(eventID)
    }

    mutating func markDone(_ eventID: String) { doneEvents.insert(eventID) }

    func target(_ messageID: String) -> ConversationTarget? {
        guard let key = keysByID[messageID], let index = position(of: key) else { return nil }
        let message = messages[index]
        return ConversationTarget(key: key, room: message.room.rawValue, author: message.author, text: message.text, ts: message.ts,
                                  edited: message.extras?.edited, deleted: message.extras?.deleted ?? false)
    }

    mutating func hold(_ event: ConversationEvent) {
        if heldIDs.insert(event.eventID).inserted { held.append(event) }
    }

    func heldCount() -> Int { held.count }

    func hasHeld() -> Bool { !held.isEmpty }

    mutating func dropOldestHeld() -> Bool {
        guard !held.isEmpty else { return false }
        heldIDs.remove(held.removeFirst().eventID)
        return true
    }

    mutating func takeHeld(for messageID: String) -> [ConversationEvent] {
        let taken = held.filter { $0.target == messageID }
        guard !taken.isEmpty else { return [] }
        held.removeAll { $0.target == messageID }
        for event in taken { heldIDs.remove(event.eventID) }
        return taken
    }

    mutating func keepEarlierText(_ text: String, ts: Int64, of key: Int64) {
        earlierTexts[key, default: []].append((text, ts))
    }

    private mutating func change(_ key: Int64, _ body: (inout StoredMessage, inout MessageExtras) -> Void) {
        guard let index = position(of: key) else { return }
        var extras = messages[index].extras ?? MessageExtras()
        body(&messages[index], &extras)
        messages[index].extras = extras.nonEmpty
    }

    mutating func replaceText(of target: ConversationTarget, with text: String, editedAt ts: Int64) {
        change(target.key) { message, extras in
            message.text = text
            extras.edited = ts
        }
    }

    mutating func tombstone(_ target: ConversationTarget) {
        earlierTexts[target.key] = nil
        change(target.key) { message, extras in
            message.text = ""
            extras.deleted = true
            extras.reactions = [:]
        }
    }

    mutating func setReaction(_ emoji: String, by author: String, on key: Int64, on: Bool) {
        change(key) { _, extras in
            var authors = extras.reactions[emoji] ?? []
            if on {
                if !authors.contains(author) { authors.append(author) }
            } else {
                authors.removeAll { $0 == author }
            }
            extras.reactions[emoji] = authors.isEmpty ? nil : authors
        }
    }
}
