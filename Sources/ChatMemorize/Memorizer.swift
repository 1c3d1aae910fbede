package import ChatCore
package import ChatStore
import Foundation
package import Logging
import ServiceLifecycle
import Synchronization

/// The heart of `chatt-memorize`: understands each message, keeps the chat state, stores
/// everything in one transaction per batch, greets newcomers and logs out idle users.
///
/// An actor: the ingest loop, the idle sweep and the greetings (which wait for reverse
/// DNS) all change the same state.
package actor Memorizer {
    /// What the daemon did so far.
    package struct Statistics: Sendable, Hashable {
        /// Messages stored.
        package var stored = 0
        /// Messages not stored again because their id was already stored.
        package var duplicates = 0
        /// Input skipped, whatever the reason.
        package var skipped = 0
        /// Greetings published.
        package var greetings = 0
        /// Users logged out by the idle sweep.
        package var idleLogouts = 0
        /// QoS 0 messages dropped because the ingest queue was full.
        package var dropped = 0
        /// Messages set aside because the store refused them for their content.
        package var setAside = 0
        /// Greetings not sent because too many hellos came (see ``GreetingThrottle``).
        /// Greetings that only waited for their turn are not counted here.
        package var greetingsThrottled = 0
        /// Greetings given up because shutdown's grace ran out before the broker took them.
        package var greetingsGivenUp = 0
    }

    /// What an instance does with what it receives.
    ///
    /// One instance does both. Several instances sharing the load (`--shared-group`) split
    /// it: each stores the messages the broker gives it (``storage``), and the one that
    /// leads follows every user and greets (``presence``), so nobody is greeted twice.
    package struct Roles: OptionSet, Sendable, Hashable {
        package let rawValue: Int
        package init(rawValue: Int) { self.rawValue = rawValue }

        /// Stores messages, rooms and the addresses users say hello from.
        package static let storage = Roles(rawValue: 1)
        /// Tracks users (who is online, when each was last seen), greets newcomers, and
        /// logs idle users out; stores user records and the list of users online.
        package static let presence = Roles(rawValue: 2)
        /// Both: a single instance.
        package static let all: Roles = [.storage, .presence]
    }

    private var chat: ChatState
    let roles: Roles
    let store: any MessageStore
    let publisher: (any ChatPublisher)?
    private let resolver: any HostNameResolver
    let clock: any ChatClock
    let logger: Logger
    private let roomLimit: Int
    private var skips: SkipLog
    private var throttle = GreetingThrottle()
    private var stats = Statistics()
    private var publishFailing = false
    /// Greetings decided on and not yet published, for ``runGreetings(concurrency:)``.
    private let greetingQueue: AsyncStream<PendingGreeting>
    private let greetingSink: AsyncStream<PendingGreeting>.Continuation
    /// Greetings queued and not finished, and who waits for them all.
    private var greetingsPending = 0
    private var greetingWaiters: [CheckedContinuation<Void, Never>] = []
    /// Fires when no more greetings come: those still waiting for their turn go at once.
    private let greetingsFinishing = OneShotSignal()
    /// When graceful shutdown began, for the greetings' last grace (``greetingDrainGrace``).
    private let shutdownBegan = Mutex<ContinuousClock.Instant?>(nil)
    /// How long, once shutdown began, greetings still decided are tried. Past it, or as
    /// soon as the broker stops taking them, the rest are given up: a broker that no longer
    /// answers (each try waits for it) cannot hold the shutdown for minutes.
    static let greetingDrainGrace = Duration.seconds(30)
    private var observer: (@Sendable (StoreChange) async -> Void)?
    /// v2 events the store refused so far (see ``noteConversation(_:)``).
    var conversationRefusals = 0
    /// The pinned keys by nickname, as this instance knows them (see ``pinKeys(in:)``).
    var pins: [String: PublicIdentity] = [:]
    /// When ``pins`` were last read from the store (see ``refreshPinsIfStale(for:)``).
    var pinsReadAt = Date.distantPast
    /// Messages and events found forged so far (see ``noteForged(_:_:)``).
    var forgedCount = 0
    /// `bot`'s keys: made once, kept in the database, the same for every instance.
    let botKeys: IdentityKeys

    /// Loads the chat state from `store` and gets ready.
    package init(
        store: any MessageStore, publisher: (any ChatPublisher)?, resolver: any HostNameResolver = NoHostNameResolver(),
        clock: any ChatClock = SystemClock(), rules: GreetingRules = .standard, roomLimit: Int = MemorizeOptions.defaultRoomLimit,
        onlineLimit: Int = MemorizeOptions.defaultOnlineLimit, roles: Roles = .all, logger: Logger = Logger(label: "chatt.memorize")
    ) async throws {
        self.roomLimit = roomLimit
        self.roles = roles
        self.store = store
        self.publisher = publisher
        self.resolver = resolver
        self.clock = clock
        self.logger = logger
        self.skips = SkipLog(logger: logger)
        // Unbounded, and still bounded: the throttle lets at most 200 through at once and
        // keeps at most 25 seconds' worth (1,000) waiting for their turn.
        (greetingQueue, greetingSink) = AsyncStream.makeStream(of: PendingGreeting.self)
        self.chat = try await store.loadChatState(rules: rules)
        self.chat.onlineLimit = onlineLimit
        self.botKeys = try await Self.loadBotKeys(from: store, logger: logger)
        self.pins = try await Self.loadPins(from: store, bot: botKeys, logger: logger)
        self.pinsReadAt = clock.now()
    }

    /// Calls `observer` after each write with what changed (for ``LegacyServerNotifier``).
    package func observeChanges(_ observer: @escaping @Sendable (StoreChange) async -> Void) {
        self.observer = observer
    }

    /// What was done so far.
    package var statistics: Statistics {
        var current = stats
        current.skipped = skips.total
        return current
    }

    /// The chat as memorize sees it now.
    package var state: ChatState { chat }

    // MARK: Ingest

    /// Applies `events` in order and stores what they hold in one transaction. Skipped
    /// input is counted and logged (rate-limited); everything else is stored.
    @discardableResult
    package func ingest(_ events: [IngestEvent]) async throws -> StoreWriteResult {
        try await ingest(CheckedBatch(unchecked: events))
    }

    /// Applies a batch whose signatures were checked beforehand (``check(_:)``) and stores
    /// what it holds in one transaction; an event checked under other keys than the pins
    /// now (a key pinned by an earlier batch) is checked again here.
    @discardableResult
    package func ingest(_ checked: CheckedBatch) async throws -> StoreWriteResult {
        let events = checked.events
        var batch = StoreBatch()
        var changedUsers = Set<Nickname>()
        try await pinKeys(in: events)
        try await refreshPinsIfStale(for: events)
        let verdicts = roles.contains(.storage) ? await Self.checkSignatures(events, pins: pins, reusing: checked.verdicts) : [:]
        let onlineBefore = chat.online
        for (index, event) in events.enumerated() {
            apply(event, verdict: verdicts[index]?.verdict, to: &batch, changedUsers: &changedUsers)
        }
        for nick in changedUsers {
            batch.users[nick] = chat.users[nick]
        }
        if chat.online != onlineBefore {  // no copies of the whole list on the usual batch
            batch.recordOnlineChange(from: onlineBefore.map(\.rawValue), to: chat.online.map(\.rawValue))
        }
        let result: StoreWriteResult
        do {
            result = try await store.write(batch)
        } catch where store.refusesContent(error) && !batch.messages.isEmpty {
            result = try await writeSettingAsideRefused(batch, firstError: error)
        }
        stats.stored += result.inserted
        stats.duplicates += result.duplicates
        noteConversation(result.events)
        if result.inserted > 0 {
            logger.debug("stored", metadata: ["messages": "\(result.inserted)", "duplicates": "\(result.duplicates)"])
        }
        if let observer {
            var change = StoreChange()
            change.roomsWithMessages = Set(batch.messages.map(\.room) + batch.events.map(\.room))
            change.roomListChanged = !batch.rooms.isEmpty
            change.usersChanged = batch.changesOnline
            if !change.isEmpty { await observer(change) }
        }
        return result
    }

    /// Applies `event`; `verdict` is its signature's, checked beforehand (see
    /// ``checkSignatures(_:pins:reusing:)``), `nil` when its author has no pinned key.
    private func apply(_ event: IngestEvent, verdict: SignatureVerdict?, to batch: inout StoreBatch, changedUsers: inout Set<Nickname>) {
        switch event {
        case .message(let room, let payload, let receivedAt):
            guard admits(room, detail: "topic rooms/\(room)/newtext") else { return }
            if chat.addRoom(room), roles.contains(.storage) { batch.rooms.append(room) }
            if roles.contains(.storage) {
                var message = NewMessage(room: room, payload: payload, receivedAt: receivedAt)
                message.verdict = verdict
                if message.verdict == .forged, let signature = event.signature {
                    noteForged("message \(payload.id ?? "without id") by \(payload.author) in \(room) (stored, flagged)", signature)
                }
                batch.messages.append(message)
            }
            if roles.contains(.presence) {
                chat.recordMessage(from: payload.author, in: room, at: Date(milliseconds: receivedAt))
                changedUsers.insert(payload.author)
            }
        case .room(let room):
            guard admits(room, detail: "topic rooms/\(room)/…") else { return }
            if chat.addRoom(room), roles.contains(.storage) { batch.rooms.append(room) }
        case .hello(let nick, let address, let receivedAt):
            batch.addresses.append(AddressNickname(address: address, nick: nick))
            guard roles.contains(.presence) else { return }
            let greeting = chat.registerHello(from: nick, address: address, at: Date(milliseconds: receivedAt))
            changedUsers.insert(nick)
            if let greeting, publisher != nil {
                switch throttle.admit(address: address, at: Date(milliseconds: receivedAt)) {
                case .now:
                    startGreeting(greeting, address: address, notBefore: nil)
                case .at(let turn):
                    startGreeting(greeting, address: address, notBefore: turn)
                case .refused:
                    stats.greetingsThrottled += 1
                    if stats.greetingsThrottled == 1 || stats.greetingsThrottled % 1_000 == 0 {
                        logger.warning("too many hellos: greetings held back", metadata: [
                            "held-back": "\(stats.greetingsThrottled)", "address": "\(address)",
                        ])
                    }
                }
            }
        case .logout(let nick):
            if roles.contains(.presence) { chat.logout(nick) }
        case .roomSetting(let change):
            applyRoomSetting(change, to: &batch)
        case .conversation(let event, let signature):
            // SPEC.md: a v2 event for a room nobody created is ignored.
            guard chat.hasRoom(event.room) else {
                logger.debug("ignored an event for an unknown room", metadata: ["room": "\(event.room)", "id": "\(event.eventID)"])
                return
            }
            if verdict == .forged {
                // Only the holder of the author's key changes what the author said or reacted.
                noteForged("\(event.kind.name) \(event.eventID) by \(event.author) on \(event.target) (not applied)", signature)
                return
            }
            if roles.contains(.storage) { batch.events.append(event) }
        case .key:
            break  // pinned by pinKeys(in:) before
        case .direct(let payload, let receivedAt):
            guard roles.contains(.storage) else { return }
            // SPEC.md: a forged one is stored, flagged (the page warns), never as verified.
            if verdict == .forged, let signature = event.signature {
                noteForged("direct message \(payload.id) from \(payload.from) to \(payload.to) (stored, flagged)", signature)
            }
            batch.directs.append(DirectMessage(payload, receivedAt: receivedAt, verdict: verdict))
        case .presence(let nick, let state, let receivedAt):
            guard roles.contains(.presence) else { return }
            if state == .offline {
                chat.logout(nick)
            } else {
                chat.markPresent(nick, at: Date(milliseconds: receivedAt))
                changedUsers.insert(nick)
            }
        case .skipped(let reason, let kind, let detail):
            skips.skip(reason: reason, kind: kind, detail: detail.map { ["where": "\($0)"] } ?? [:])
        case .ignored(let topic):
            logger.trace("ignored an event memorize does not keep", metadata: ["topic": "\(topic)"])
        case .dropped:
            stats.dropped += 1
        }
    }

    /// After the store refused a batch for something it holds: writes everything but the
    /// messages, then each message on its own. A message refused again is set aside
    /// (logged, counted under ``SettingKey/setAsideMessages``) so that it never blocks the
    /// ones after it; any other error is thrown as usual.
    private func writeSettingAsideRefused(_ batch: StoreBatch, firstError: any Error) async throws -> StoreWriteResult {
        logger.warning("the store refused a batch for its content; writing its messages one by one",
                       metadata: ["messages": "\(batch.messages.count)", "error": "\(firstError)"])
        var rest = batch
        rest.messages = []
        var result = try await store.write(rest)
        for message in batch.messages {
            var single = StoreBatch()
            single.messages = [message]
            do {
                let one = try await store.write(single)
                result.inserted += one.inserted
                result.duplicates += one.duplicates
            } catch where store.refusesContent(error) {
                var counted = StoreBatch()
                counted.counters[SettingKey.setAsideMessages] = 1
                try await store.write(counted)
                stats.setAside += 1
                logger.error("set aside a message the store refuses; the ones after it are stored", metadata: [
                    "room": "\(message.room)", "author": "\(String(message.author.prefix(64)).debugDescription)",
                    "id": "\(message.messageID.map { String($0.prefix(64)).debugDescription } ?? "none")",
                    "error": "\(error)",
                ])
            }
        }
        return result
    }

    /// Whether `room` is known or may become so: past `roomLimit` rooms a new room is
    /// refused, with its message (skipped and logged), so that a flood of made-up room
    /// names cannot grow the state, the database and `/data/lastinfo` without bound.
    private func admits(_ room: RoomName, detail: String) -> Bool {
        if chat.hasRoom(room) || chat.rooms.count < roomLimit { return true }
        skips.skip(reason: "too many rooms: \(roomLimit) exist, so the new room \(room) is refused (raise --max-rooms)",
                   kind: "room-limit", detail: ["where": "\(detail)"])
        return false
    }

    // MARK: Greetings

    /// A greeting decided on, waiting to be published.
    struct PendingGreeting: Sendable {
        var greeting: Greeting
        var address: String
        /// Its turn under the overall budget, when it has to wait for one.
        var notBefore: Date?
    }

    private func startGreeting(_ greeting: Greeting, address: String, notBefore: Date?) {
        greetingsPending += 1
        if case .terminated = greetingSink.yield(PendingGreeting(greeting: greeting, address: address, notBefore: notBefore)) {
            greetingFinished()
            logger.debug("shutting down: a greeting was not sent", metadata: ["nick": "\(greeting.nick)"])
        }
    }

    private func greetingFinished() {
        greetingsPending -= 1
        guard greetingsPending == 0 else { return }
        let waiters = greetingWaiters
        greetingWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    /// Publishes the greetings as they are decided, each at its turn (see
    /// ``GreetingThrottle``), at most `concurrency` at once (each may wait for reverse DNS
    /// and the broker), until graceful shutdown or ``finishGreetings()``; then those already
    /// decided, without waiting for their turn, then returns. ``GreetingService`` runs it.
    package func runGreetings(concurrency: Int = 16) async {
        let queue = greetingQueue, sink = greetingSink, resolver = self.resolver
        let clock = self.clock, finishing = greetingsFinishing
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                var running = 0
                for await pending in queue {
                    if let turn = pending.notBefore {
                        // Turns come in order: waiting here paces the ones behind it too.
                        await withTaskGroup(of: Void.self) { wait in
                            wait.addTask { try? await clock.sleep(until: turn) }
                            wait.addTask { await finishing.wait() }
                            await wait.next()
                            wait.cancelAll()
                        }
                    }
                    if running >= concurrency {
                        await group.next()
                        running -= 1
                    }
                    if let began = self.shutdownBegan.withLock({ $0 }),
                       self.publishFailing || ContinuousClock.now - began > Self.greetingDrainGrace {
                        self.giveUpGreeting(pending.greeting)
                        continue
                    }
                    running += 1
                    group.addTask {
                        // A greeting that does not say where the user connects from needs no lookup.
                        let host = pending.greeting.showsOrigin ? await resolver.hostName(for: pending.address) : nil
                        await self.greet(pending.greeting, address: pending.address, hostName: host)
                    }
                }
            }
        } onGracefulShutdown: {
            self.shutdownBegan.withLock { if $0 == nil { $0 = .now } }
            sink.finish()
            finishing.fire()
        }
    }

    /// A greeting left when shutdown's grace ran out: not sent, said once in the log.
    private func giveUpGreeting(_ greeting: Greeting) {
        stats.greetingsGivenUp += 1
        if stats.greetingsGivenUp == 1 {
            logger.warning("stopping: greetings the broker did not take in time are given up",
                           metadata: ["grace": "\(Self.greetingDrainGrace)", "first": "\(greeting.nick)"])
        }
        greetingFinished()
    }

    /// No more greetings: ``runGreetings(concurrency:)`` publishes those decided, then returns.
    package nonisolated func finishGreetings() {
        shutdownBegan.withLock { if $0 == nil { $0 = .now } }
        greetingSink.finish()
        greetingsFinishing.fire()
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
        let payload = signedAsBot(greeting.payload(
            hostName: hostName, address: address, id: "bot-\(UUID().uuidString.lowercased())",
            ts: clock.now().milliseconds))
        if await publish(topic: Topic.roomText(.main), payload: payload.jsonBytes) {
            stats.greetings += 1
            logger.info("greeted", metadata: ["nick": "\(greeting.nick)", "address": "\(address)"])
        }
        greetingFinished()
    }

    /// Waits until the greetings under way are published (or given up).
    /// (Someone must run ``runGreetings(concurrency:)``.)
    package func waitForGreetings() async {
        guard greetingsPending > 0 else { return }
        await withCheckedContinuation { greetingWaiters.append($0) }
    }

    // MARK: Idle users

    /// Logs out every user not seen for the idle timeout: stores the new list of users
    /// online and publishes `users/<nick>/logout` for each. Returns them.
    @discardableResult
    package func sweepIdle() async throws -> [Nickname] {
        guard roles.contains(.presence) else { return [] }
        let gone = chat.sweepIdle(at: clock.now())
        guard !gone.isEmpty else { return [] }
        var batch = StoreBatch()
        batch.onlineRemoved = gone.map(\.rawValue)
        try await store.write(batch)
        if let observer {
            var change = StoreChange()
            change.usersChanged = true
            await observer(change)
        }
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
