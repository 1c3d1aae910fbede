import ChatMemorize
import Foundation
import Synchronization

/// Records what would go to the broker.
final class RecordingPublisher: ChatPublisher {
    struct Publication: Sendable, Hashable {
        let topic: String
        let payload: String
    }

    private let stored = Mutex<[Publication]>([])
    let failing: Bool

    init(failing: Bool = false) {
        self.failing = failing
    }

    func publish(topic: String, payload: [UInt8]) async throws {
        if failing { throw CocoaError(.featureUnsupported) }
        stored.withLock { $0.append(Publication(topic: topic, payload: String(decoding: payload, as: UTF8.self))) }
    }

    var publications: [Publication] { stored.withLock { $0 } }
}

/// A clock the test moves by hand; who sleeps on it wakes when the test moves it far enough.
final class ManualClock: ChatClock {
    private struct State {
        var now: Date
        var nextID = 0
        var sleepers: [Int: (deadline: Date, continuation: CheckedContinuation<Void, Never>)] = [:]
    }

    private let state: Mutex<State>
    init(_ start: Date) { state = Mutex(State(now: start)) }
    func now() -> Date { state.withLock { $0.now } }
    func advance(minutes: Double) { advance(seconds: minutes * 60) }

    func advance(seconds: Double) {
        let woken = state.withLock { state in
            state.now = state.now.addingTimeInterval(seconds)
            let due = state.sleepers.filter { $0.value.deadline <= state.now }
            for id in due.keys { state.sleepers[id] = nil }
            return due.values.map(\.continuation)
        }
        for sleeper in woken { sleeper.resume() }
    }

    /// How many wait for the clock to move.
    var sleeping: Int { state.withLock { $0.sleepers.count } }

    func sleep(until deadline: Date) async throws {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let goOn = state.withLock { state in
                    if state.now >= deadline || Task.isCancelled { return true }
                    state.sleepers[id] = (deadline, continuation)
                    return false
                }
                if goOn { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.sleepers.removeValue(forKey: id) }?.continuation.resume()
        }
        try Task.checkCancellation()
    }
}

struct FixedResolver: HostNameResolver {
    func hostName(for address: String) async -> String? { "host-of-\(address)" }
}

/// Runs `body` while `memorizer`'s greetings are being published (as ``GreetingService``
/// does in the daemon), then lets the greeting loop finish.
func withGreetings<T: Sendable>(_ memorizer: Memorizer, _ body: () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await memorizer.runGreetings() }
        defer { memorizer.finishGreetings() }
        return try await body()
    }
}
