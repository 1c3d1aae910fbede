import ChatCore
package import Foundation

/// Where the daemon gets the time: the rules are tested with a clock the test controls.
package protocol ChatClock: Sendable {
    /// The current time.
    func now() -> Date

    /// Returns when this clock reaches `deadline`; throws `CancellationError` when the task
    /// is cancelled first.
    func sleep(until deadline: Date) async throws
}

extension ChatClock {
    /// Sleeps for the time between ``now()`` and `deadline`, as the system's clock runs.
    package func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSince(now())
        if seconds > 0 { try await Task.sleep(for: .seconds(seconds)) }
    }
}

/// The system's clock.
package struct SystemClock: ChatClock {
    package init() {}
    package func now() -> Date { Date() }
}

/// A clock read from a file holding milliseconds since 1970, for end-to-end tests of the
/// greeting and idle rules (set `CHATT_CLOCK_FILE`); falls back to the system clock when
/// the file cannot be read.
package struct FileClock: ChatClock {
    package let path: String
    package init(path: String) { self.path = path }

    package func now() -> Date {
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8),
              let milliseconds = Int64(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return Date() }
        return Date(milliseconds: milliseconds)
    }
}
