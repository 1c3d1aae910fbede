import ChatCore
import ChatMemorize
import ChatStore
import ChatTestSupport
import Foundation
import Synchronization
import Testing

/// A store that refuses, for their content, messages whose text contains "poison" (as
/// PostgreSQL refused a NUL), and can be told to fail every write (a full disk).
final class RefusingStore: ForwardingMessageStore {
    struct Refused: Error {}
    struct Full: Error {}
    let inner: any MessageStore = InMemoryMessageStore()
    let failing = Mutex(false)
    func write(_ batch: StoreBatch) async throws -> StoreWriteResult {
        if failing.withLock({ $0 }) { throw Full() }
        if batch.messages.contains(where: { $0.text.contains("poison") }) { throw Refused() }
        return try await inner.write(batch)
    }
    func refusesContent(_ error: any Error) -> Bool { error is Refused }
}

@Suite("Memorizer under abuse")
struct MemorizerHardeningTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    func item(_ line: String, clock: ManualClock) throws -> IngestEvent {
        IngestEvent(parsing: try InputLine.parse(Array(line.utf8), receivedAt: clock.now().milliseconds), limits: .default)
    }

    @Test("a message the store refuses is set aside and counted; the others of its batch and after it are stored")
    func poisonSetAside() async throws {
        let store = RefusingStore()
        let clock = ManualClock(start)
        let memorizer = try await Memorizer(store: store, publisher: nil, clock: clock)
        try await memorizer.ingest([
            try item(#"rooms/main/newtext {"author":"ann","text":"one","id":"1"}"#, clock: clock),
            try item(#"rooms/dev/newtext {"author":"ann","text":"poison","id":"2"}"#, clock: clock),
            try item(#"rooms/dev/newtext {"author":"ann","text":"three","id":"3"}"#, clock: clock),
        ])
        try await memorizer.ingest([try item(#"rooms/main/newtext {"author":"ann","text":"four","id":"4"}"#, clock: clock)])
        #expect(try await store.lastMessages(in: .main, limit: 10).map(\.text) == ["one", "four"])
        #expect(try await store.lastMessages(in: try RoomName("dev"), limit: 10).map(\.text) == ["three"])
        #expect(try await store.rooms().map(\.rawValue) == ["main", "dev"])
        #expect(try await store.setting(SettingKey.setAsideMessages) == "1")
        #expect(await memorizer.statistics.setAside == 1)
        #expect(await memorizer.statistics.stored == 3)
    }

    @Test("a store that cannot write at all: the error comes out, nothing is set aside")
    func fullStoreThrows() async throws {
        let store = RefusingStore()
        store.failing.withLock { $0 = true }
        let clock = ManualClock(start)
        let memorizer = try await Memorizer(store: store, publisher: nil, clock: clock)
        await #expect(throws: RefusingStore.Full.self) {
            try await memorizer.ingest([try item(#"rooms/main/newtext {"author":"ann","text":"one"}"#, clock: clock)])
        }
        #expect(await memorizer.statistics.setAside == 0)
    }

    @Test("the ingest service stops on a storage error and finishes its queue (it used to leave the process wedged)")
    func ingestServiceStops() async throws {
        let store = RefusingStore()
        store.failing.withLock { $0 = true }
        let clock = ManualClock(start)
        let memorizer = try await Memorizer(store: store, publisher: nil, clock: clock)
        let queue = IngestQueue<IngestEvent>()
        queue.push(try item(#"rooms/main/newtext {"author":"ann","text":"one"}"#, clock: clock))
        let acknowledged = Mutex(0)
        let service = IngestService(queue: queue, memorizer: memorizer, afterStoring: { count in acknowledged.withLock { $0 += count } })
        await #expect(throws: RefusingStore.Full.self) { try await service.run() }
        #expect(acknowledged.withLock { $0 } == 0, "nothing unstored may be acknowledged")
        #expect(await queue.take() == nil, "the queue is finished, so no producer waits on it")
    }

    @Test("a storm of 2,000 new nicknames from one address: a handful of greetings, not 2,000")
    func greetingStorm() async throws {
        let publisher = RecordingPublisher()
        let clock = ManualClock(start)
        let store = InMemoryMessageStore()
        let memorizer = try await Memorizer(store: store, publisher: publisher, resolver: FixedResolver(), clock: clock)
        let hellos = try (0..<2_000).map { try item(#"users/n\#($0)/hello {"ipAddress":"10.9.9.9"}"#, clock: clock) }
        try await withGreetings(memorizer) {
            for chunk in stride(from: 0, to: hellos.count, by: 100) {
                try await memorizer.ingest(Array(hellos[chunk..<chunk + 100]))
            }
            await memorizer.waitForGreetings()
            #expect(publisher.publications.count == 10)
            #expect(await memorizer.statistics.greetingsThrottled == 1_990)
            #expect(try await store.onlineUsers().count == 2_001)
            // A minute later the same address may be greeted again, a little.
            clock.advance(minutes: 1)
            try await memorizer.ingest([try item(#"users/late/hello {"ipAddress":"10.9.9.9"}"#, clock: clock)])
            await memorizer.waitForGreetings()
            #expect(publisher.publications.count == 11)
        }
    }

    /// `count` hellos of new nicknames, each from an address of its own, at the clock's time.
    private func crowd(_ count: Int, clock: ManualClock) throws -> [IngestEvent] {
        // A plain loop: the same in a closure overflowed the stack of a debug build.
        var hellos: [IngestEvent] = []
        for index in 0..<count {
            hellos.append(try item(#"users/m\#(index)/hello {"ipAddress":"10.\#(index / 62_500).\#(index / 250 % 250).\#(index % 250)"}"#, clock: clock))
        }
        return hellos
    }

    @Test("1,000 joining at once are all greeted: 200 at once, the others at 40 a second (800 used to be dropped; issue 21)")
    func crowdIsGreeted() async throws {
        let publisher = RecordingPublisher()
        let clock = ManualClock(start)
        let memorizer = try await Memorizer(store: InMemoryMessageStore(), publisher: publisher, resolver: FixedResolver(), clock: clock)
        let hellos = try crowd(1_000, clock: clock)
        try await withGreetings(memorizer) {
            try await memorizer.ingest(hellos)
            #expect(await memorizer.statistics.greetingsThrottled == 0)
            try await waitUntil("the first 200 greetings", timeout: .seconds(60)) { publisher.publications.count == 200 && clock.sleeping == 1 }
            clock.advance(seconds: 10)
            try await waitUntil("400 more after 10 s", timeout: .seconds(60)) { publisher.publications.count == 600 && clock.sleeping == 1 }
            clock.advance(seconds: 10)
            await memorizer.waitForGreetings()
            #expect(publisher.publications.count == 1_000)
            #expect(Set(publisher.publications.map(\.payload)).count == 1_000, "each newcomer greeted once")
        }
    }

    @Test("a crowd larger than 25 s of turns: those past the backlog are not greeted, and nothing waits at shutdown")
    func crowdPastTheBacklog() async throws {
        let publisher = RecordingPublisher()
        let clock = ManualClock(start)
        let memorizer = try await Memorizer(store: InMemoryMessageStore(), publisher: publisher, resolver: FixedResolver(), clock: clock)
        try await withGreetings(memorizer) {
            try await memorizer.ingest(try crowd(2_000, clock: clock))
            // 200 at once and 25 s at 40 a second wait their turn; 800 are refused.
            #expect(await memorizer.statistics.greetingsThrottled == 800)
            try await waitUntil("the first 200 greetings", timeout: .seconds(60)) { publisher.publications.count == 200 && clock.sleeping == 1 }
        }
        // Finished: the 1,000 still waiting go at once, without the clock moving.
        await memorizer.waitForGreetings()
        #expect(publisher.publications.count == 1_200)
    }

    @Test("online changes are written as what changed: the stored list follows hellos, logouts and sweeps")
    func onlineIncremental() async throws {
        let store = InMemoryMessageStore()
        let clock = ManualClock(start)
        let memorizer = try await Memorizer(store: store, publisher: nil, clock: clock)
        try await memorizer.ingest([
            try item(#"users/ann/hello {"ipAddress":"1.1.1.1"}"#, clock: clock),
            try item(#"users/bob/hello {"ipAddress":"1.1.1.1"}"#, clock: clock),
            try item("users/ann/logout", clock: clock),
            try item(#"rooms/main/newtext {"author":"cid","text":"x"}"#, clock: clock),
        ])
        #expect(try await store.onlineUsers() == ["bot", "bob", "cid"])
        try await memorizer.ingest([try item(#"users/ann/hello {"ipAddress":"1.1.1.1"}"#, clock: clock)])
        #expect(try await store.onlineUsers() == ["bot", "bob", "cid", "ann"])
    }
}

/// The reverse-DNS bounds of issue 14 item 5 and the timeout of issue 15. The lookups
/// block until the test lets them go, so what is checked is the order of events, not time.
@Suite("Host name lookups")
struct HostNameResolverTests {
    /// A lookup that blocks its thread until ``release()``.
    final class BlockedLookups: Sendable {
        let gate = DispatchSemaphore(value: 0)
        let calls = Mutex(0)
        let finished = Mutex(0)

        func lookUp(_ address: String) -> String? {
            calls.withLock { $0 += 1 }
            _ = gate.wait(timeout: .now() + 120)
            finished.withLock { $0 += 1 }
            return "host-\(address)"
        }

        func release(_ count: Int) {
            for _ in 0..<count { gate.signal() }
        }
    }

    @Test("a lookup that never answers gives up at the timeout, without waiting for its thread (it used to)")
    func timeoutFires() async throws {
        let lookups = BlockedLookups()
        let resolver = SystemHostNameResolver(timeout: .milliseconds(200), lookUp: lookups.lookUp)
        #expect(await resolver.hostName(for: "10.1.1.1") == nil)
        #expect(lookups.calls.withLock { $0 } == 1)
        #expect(lookups.finished.withLock { $0 } == 0, "the answer came before the lookup ended")
        lookups.release(1)
    }

    @Test("at most maximumLookups threads at once (the others get no name at once); answers are cached")
    func boundedAndCached() async throws {
        let lookups = BlockedLookups()
        let resolver = SystemHostNameResolver(timeout: .milliseconds(100), maximumLookups: 2, lookUp: lookups.lookUp)
        await withTaskGroup(of: String?.self) { group in
            for index in 0..<20 {
                group.addTask { await resolver.hostName(for: "10.0.0.\(index)") }
            }
            for await answer in group { #expect(answer == nil) }
        }
        #expect(lookups.calls.withLock { $0 } == 2)
        #expect(resolver.runningLookups == 2)
        lookups.release(2)
        try await waitUntil("the blocked lookups to end", timeout: .seconds(60)) { resolver.runningLookups == 0 }
    }

    @Test("an answer is cached: asked twice, looked up once")
    func cached() async throws {
        let lookups = BlockedLookups()
        let resolver = SystemHostNameResolver(timeout: .seconds(60), lookUp: lookups.lookUp)
        lookups.release(1)
        #expect(await resolver.hostName(for: "192.0.2.1") == "host-192.0.2.1")
        #expect(await resolver.hostName(for: "192.0.2.1") == "host-192.0.2.1")
        #expect(lookups.calls.withLock { $0 } == 1)
    }
}

/// A broker that takes two seconds to refuse each publish, as one that no longer answers
/// does with the publish timeout.
/// A broker that no longer takes anything: each publish fails after 2 s. Counts the attempts.
final class SlowFailingPublisher: ChatPublisher {
    let attempts = Atomic<Int>(0)

    func publish(topic: String, payload: [UInt8]) async throws {
        attempts.add(1, ordering: .relaxed)
        try await Task.sleep(for: .seconds(2))
        throw CancellationError()
    }
}

@Suite("Greetings at shutdown")
struct GreetingShutdownTests {
    @Test("at shutdown, greetings are given up once the broker stops taking them: seconds, not minutes (issue 21's run waited minutes)")
    func drainHasAGrace() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_700_000_000))
        let publisher = SlowFailingPublisher()
        let memorizer = try await Memorizer(store: InMemoryMessageStore(), publisher: publisher, clock: clock)
        var hellos: [IngestEvent] = []
        for index in 0..<200 {
            hellos.append(IngestEvent(
                parsing: try InputLine.parse(Array(#"users/n\#(index)/hello {"ipAddress":"10.1.\#(index / 100).\#(index % 100)"}"#.utf8),
                                             receivedAt: clock.now().milliseconds),
                limits: .default))
        }
        try await memorizer.ingest(hellos)
        // 200 greetings refused after 2 s each, 16 at once, would take 25 s; once the first
        // fails, the rest are given up without being tried (counted, not timed: the machine
        // may be loaded).
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await memorizer.runGreetings() }
            memorizer.finishGreetings()
            await group.waitForAll()
        }
        let attempts = publisher.attempts.load(ordering: .relaxed)
        #expect(attempts <= 32, "\(attempts) of 200 greetings were tried")
        #expect(await memorizer.statistics.greetingsGivenUp > 100)
    }
}
