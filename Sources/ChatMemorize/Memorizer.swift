public import ChatCore
public import ChatStore
import Foundation
public import Logging

/// The heart of `chatt-memorize`: understands each message, keeps the chat state, stores
/// everything in one transaction per batch, greets newcomers and logs out idle users.
///
/// An actor: the ingest loop, the idle sweep and the greetings (which wait for reverse
/// DNS) all change the same state.
public actor Memorizer {
    /// What the daemon did so far.
    public struct Statistics: Sendable, Hashable {
        /// Messages stored.
        public var stored = 0
        /// Messages not stored again because their id was already stored.
        public var duplicates = 0
        /// Input skipped, whatever the reason.
        public var skipped = 0
        /// Greetings published.
        public var greetings = 0
        /// Users logged out by the idle sweep.
        public var idleLogouts = 0
    }

    private var chat: ChatState
    private let store: any MessageStore
    private let publisher: (any ChatPublisher)?
    private let resolver: any HostNameResolver
    private let clock: any ChatClock
    private let limits: PayloadLimits
    private let logger: Logger
    private var skips: SkipLog
    private var stats = Statistics()
    private var publishFailing = false
    private var greetingTasks: [Int: Task<Void, Never>] = [:]
    private var nextGreetingTask = 0

    /// Loads the chat state from `store` and gets ready.
    public init(
        store: any MessageStore, publisher: (any ChatPublisher)?, resolver: any HostNameResolver = NoHostNameResolver(),
        clock: any ChatClock = SystemClock(), limits: PayloadLimits = .default, rules: GreetingRules = .standard,
        logger: Logger = Logger(label: "chatt.memorize")
    ) async throws {
        self.store = store
        self.publisher = publisher
        self.resolver = resolver
        self.clock = clock
        self.limits = limits
        self.logger = logger
        self.skips = SkipLog(logger: logger)
        self.chat = try await store.loadChatState(rules: rules)
    }

    /// What was done so far.
    public var statistics: Statistics {
        var current = stats
        current.skipped = skips.total
        return current
    }

    /// The chat as memorize sees it now.
    public var state: ChatState { chat }

    // MARK: Ingest

    /// Understands `items` in order and stores what they hold in one transaction. Bad
    /// items are counted, logged (rate-limited) and skipped; the others are stored.
    @discardableResult
    public func ingest(_ items: [IngestItem]) async throws -> StoreWriteResult {
        var batch = StoreBatch()
        var changedUsers = Set<Nickname>()
        let onlineBefore = chat.online
        for item in items {
            handle(item, into: &batch, changedUsers: &changedUsers)
        }
        for nick in changedUsers {
            batch.users[nick] = chat.users[nick]
        }
        if chat.online != onlineBefore {
            batch.online = chat.online.map(\.rawValue)
        }
        let result = try await store.write(batch)
        stats.stored += result.inserted
        stats.duplicates += result.duplicates
        if result.inserted > 0 {
            logger.debug("stored", metadata: ["messages": "\(result.inserted)", "duplicates": "\(result.duplicates)"])
        }
        return result
    }

    /// Records something not read from a message (a line that was not `<topic> <payload>`).
    public func skipped(reason: String, kind: String, lineNumber: Int? = nil) {
        skips.skip(reason: reason, kind: kind, detail: lineNumber.map { ["line": "\($0)"] } ?? [:])
    }

    private func handle(_ item: IngestItem, into batch: inout StoreBatch, changedUsers: inout Set<Nickname>) {
        let topic: Topic
        do {
            topic = try Topic(parsing: item.topic)
        } catch .unknownRoomEvent(let room, _) {
            // Any message under rooms/<room>/ makes the room known.
            if chat.addRoom(room) { batch.rooms.append(room) }
            return
        } catch {
            skips.skip(reason: error.description, kind: "topic")
            return
        }
        let now = Date(milliseconds: item.receivedAt)
        do {
            switch topic {
            case .roomText(let room):
                let payload = try NewTextPayload(decoding: item.payload, limits: limits)
                if chat.addRoom(room) { batch.rooms.append(room) }
                chat.recordMessage(from: payload.author, in: room, at: now)
                batch.messages.append(NewMessage(room: room, payload: payload, receivedAt: item.receivedAt))
                changedUsers.insert(payload.author)
            case .roomCreated(let room):
                if chat.addRoom(room) { batch.rooms.append(room) }
            case .hello(let nick):
                let hello = try HelloPayload(decoding: item.payload)
                let greeting = chat.registerHello(from: nick, address: hello.ipAddress, at: now)
                changedUsers.insert(nick)
                batch.addresses.append(AddressNickname(address: hello.ipAddress, nick: nick))
                if let greeting { startGreeting(greeting, address: hello.ipAddress) }
            case .logout(let nick):
                _ = try LogoutPayload(decoding: item.payload)
                chat.logout(nick)
            }
        } catch {
            skips.skip(reason: error.description, kind: "payload", detail: ["topic": "\(item.topic)"])
        }
    }

    // MARK: Greetings

    private func startGreeting(_ greeting: Greeting, address: String) {
        let key = nextGreetingTask
        nextGreetingTask += 1
        let resolver = self.resolver
        greetingTasks[key] = Task {
            let host = await resolver.hostName(for: address)
            await self.greet(greeting, address: address, hostName: host)
            self.greetingDone(key)
        }
    }

    private func greetingDone(_ key: Int) {
        greetingTasks[key] = nil
    }

    private func greet(_ greeting: Greeting, address: String, hostName: String?) async {
        if let hostName, chat.users[greeting.nick]?.hostName != hostName {
            chat.setHostName(hostName, for: greeting.nick)
            var batch = StoreBatch()
            batch.users[greeting.nick] = chat.users[greeting.nick]
            do {
                try await store.write(batch)
            } catch {
                logger.error("cannot store a host name", metadata: ["error": "\(error)"])
            }
        }
        let payload = greeting.payload(
            hostName: hostName, address: address, id: "bot-\(UUID().uuidString.lowercased())",
            ts: clock.now().milliseconds)
        if await publish(topic: Topic.roomText(.main), payload: payload.jsonBytes) {
            stats.greetings += 1
            logger.info("greeted", metadata: ["nick": "\(greeting.nick)", "address": "\(address)"])
        }
    }

    /// Waits until the greetings under way are published (or given up).
    public func waitForGreetings() async {
        while let task = greetingTasks.values.first {
            await task.value
        }
    }

    // MARK: Idle users

    /// Logs out every user not seen for the idle timeout: stores the new list of users
    /// online and publishes `users/<nick>/logout` for each. Returns them.
    @discardableResult
    public func sweepIdle() async throws -> [Nickname] {
        let gone = chat.sweepIdle(at: clock.now())
        guard !gone.isEmpty else { return [] }
        var batch = StoreBatch()
        batch.online = chat.online.map(\.rawValue)
        try await store.write(batch)
        stats.idleLogouts += gone.count
        for nick in gone {
            logger.info("idle user logged out", metadata: ["nick": "\(nick)"])
            _ = await publish(topic: Topic.logout(nick), payload: LogoutPayload().jsonBytes)
        }
        return gone
    }

    // MARK: Publishing

    private func publish(topic: Topic, payload: [UInt8]) async -> Bool {
        guard let publisher else { return false }
        do {
            try await publisher.publish(topic: topic.description, payload: payload)
            if publishFailing {
                publishFailing = false
                logger.info("the broker takes greetings and logouts again")
            }
            return true
        } catch {
            if !publishFailing {
                publishFailing = true
                logger.warning("cannot greet or log users out: the broker does not answer; messages are still stored",
                               metadata: ["error": "\(error)"])
            }
            return false
        }
    }
}
