import ChatStore
import ChatStorePostgres
import ChatTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@Suite("Leader lock: one holder at a time, the next takes over")
struct LeaderLockTests {
    enum Kind: String, CaseIterable, CustomStringConvertible, Sendable {
        case file, postgres
        var description: String { rawValue }

        func makeLocks() async throws -> (any LeaderLock, any LeaderLock, cleanup: @Sendable () -> Void) {
            switch self {
            case .file:
                let path = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-lock-\(UUID().uuidString)").path
                return (FileLeaderLock(path: path), FileLeaderLock(path: path), { try? FileManager.default.removeItem(atPath: path) })
            case .postgres:
                let address = try PostgresAddress(url: try await TestPostgres.running().makeDatabase())
                let logger = Logger(label: "test")
                return (PostgresLeaderLock(address: address, checkInterval: .milliseconds(50), logger: logger),
                        PostgresLeaderLock(address: address, checkInterval: .milliseconds(50), logger: logger), {})
            }
        }
    }

    @Test("while one holds it the other cannot; released, the other can", arguments: Kind.allCases)
    func exclusive(kind: Kind) async throws {
        let (first, second, cleanup) = try await kind.makeLocks()
        defer { cleanup() }
        let held = try #require(try await first.tryAcquire())
        #expect(try await second.tryAcquire() == nil)
        #expect(try await first.tryAcquire() == nil, "not even twice from the same process")
        await held.release()
        let taken = try #require(try await second.tryAcquire())
        await taken.release()
    }

    @Test("an election runs the job in one contender only, and in the other once the first returns", arguments: Kind.allCases)
    func election(kind: Kind) async throws {
        let (first, second, cleanup) = try await kind.makeLocks()
        defer { cleanup() }
        let logger = Logger(label: "test")
        let leaders = LeaderLog()
        let release = AsyncStream<Void>.makeStream()
        let a = Task {
            try await LeaderElection.run(lock: first, retryInterval: .milliseconds(20), logger: logger) {
                await leaders.started("a")
                for await _ in release.stream { break }
                await leaders.stopped("a")
            }
        }
        try await waitUntil("a to lead") { await leaders.current == ["a"] }
        let b = Task {
            try await LeaderElection.run(lock: second, retryInterval: .milliseconds(20), logger: logger) {
                await leaders.started("b")
                await leaders.stopped("b")
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(await leaders.history == ["+a"], "b waits while a leads")
        release.continuation.yield()
        try await a.value
        try await b.value
        #expect(await leaders.history == ["+a", "-a", "+b", "-b"])
        #expect(await leaders.mostAtOnce == 1)
    }

    @Test("an election cancelled at any moment of its first try returns (chatt-memorize's SIGTERM right after start)",
          arguments: Kind.allCases)
    func cancelledWhileTrying(kind: Kind) async throws {
        let (holder, contender, cleanup) = try await kind.makeLocks()
        defer { cleanup() }
        let held = try #require(try await holder.tryAcquire())
        defer { Task { await held.release() } }
        for attempt in 0..<60 {
            let election = Task {
                try await LeaderElection.run(lock: contender, retryInterval: .seconds(2), logger: Logger(label: "test")) {}
            }
            try await Task.sleep(for: .microseconds(attempt * 150))
            election.cancel()
            let returned = ReturnedFlag()
            Task {
                try? await election.value
                returned.value.store(true, ordering: .releasing)
            }
            do {
                try await waitUntil("the cancelled election to return", timeout: .seconds(60)) { returned.value.load(ordering: .acquiring) }
            } catch {
                Issue.record("attempt \(attempt): the cancelled election did not return within 10 s")
                return
            }
        }
    }
}

private final class ReturnedFlag: Sendable {
    let value = Atomic<Bool>(false)
}

private actor LeaderLog {
    var current: [String] = []
    var history: [String] = []
    var mostAtOnce = 0

    func started(_ name: String) {
        current.append(name)
        history.append("+" + name)
        mostAtOnce = max(mostAtOnce, current.count)
    }

    func stopped(_ name: String) {
        current.removeAll { $0 == name }
        history.append("-" + name)
    }
}
