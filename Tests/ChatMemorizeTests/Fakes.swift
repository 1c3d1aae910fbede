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

/// A clock the test moves by hand.
final class ManualClock: ChatClock {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    func now() -> Date { current.withLock { $0 } }
    func advance(minutes: Double) { current.withLock { $0 = $0.addingTimeInterval(minutes * 60) } }
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
