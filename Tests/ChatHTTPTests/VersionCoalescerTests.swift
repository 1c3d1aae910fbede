@testable import ChatHTTP
import Synchronization
import Testing

@Suite("Version reads shared among simultaneous requests")
struct VersionCoalescerTests {
    /// A version source whose reads the test releases one at a time.
    final class GatedSource: Sendable {
        struct State {
            var version: Int64 = 0
            var started = 0
            var gates: [CheckedContinuation<Void, Never>] = []
        }
        let state = Mutex(State())

        func read() async -> Int64 {
            // The version is taken when the read starts, as a database snapshot would be.
            let version = state.withLock { state in
                state.started += 1
                return state.version
            }
            await withCheckedContinuation { continuation in state.withLock { $0.gates.append(continuation) } }
            return version
        }

        /// Waits until `count` reads have started and are held (with a deadline).
        func waitForHeldReads(_ count: Int) async throws {
            let deadline = ContinuousClock.now + .seconds(10)
            while state.withLock({ $0.gates.count }) < count {
                guard ContinuousClock.now < deadline else { throw TimedOut() }
                await Task.yield()
            }
        }

        func releaseOne() {
            let gate = state.withLock { $0.gates.isEmpty ? nil : $0.gates.removeFirst() }
            gate?.resume()
        }
    }

    struct TimedOut: Error {}

    @Test func callersDuringAReadGetANewerReadNotTheRunningOne() async throws {
        let coalescer = VersionCoalescer()
        let source = GatedSource()
        async let first = coalescer.version { await source.read() }
        try await source.waitForHeldReads(1)
        // A write completes while the first read is running; later callers must see it.
        source.state.withLock { $0.version = 1 }
        async let second = coalescer.version { await source.read() }
        async let third = coalescer.version { await source.read() }
        let deadline = ContinuousClock.now + .seconds(10)
        while coalescer.waitingCount < 2 {
            guard ContinuousClock.now < deadline else { throw TimedOut() }
            await Task.yield()
        }
        source.releaseOne()
        try await source.waitForHeldReads(1)
        source.releaseOne()
        let results = try await (first, second, third)
        #expect(results.0 == 0)
        #expect(results.1 == 1 && results.2 == 1)
        #expect(source.state.withLock { $0.started } == 2, "the two later callers share one read")
    }

    @Test func errorsReachEveryoneWhoShared() async throws {
        struct Broken: Error {}
        let coalescer = VersionCoalescer()
        await #expect(throws: Broken.self) { try await coalescer.version { throw Broken() } }
        #expect(try await coalescer.version { 7 } == 7)
    }
}
