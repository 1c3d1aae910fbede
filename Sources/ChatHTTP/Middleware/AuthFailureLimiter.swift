internal import Synchronization

/// Counts wrong credentials per client address and, past a number of them within a window,
/// says how long that address must wait: guessing the pair at thousands of tries a second
/// (issue 14 item 9) becomes ``maximumFailures`` tries per ``window``.
///
/// Only credentials that were sent and were wrong count: a request without any (the
/// original page fetching `/data/lastinfo`) costs the guesser nothing to learn from. Right
/// credentials clear the address's count. The table is bounded: at ``maximumAddresses``,
/// expired entries go first, then the oldest.
final class AuthFailureLimiter: Sendable {
    private struct Entry {
        var failures: Int
        var windowStart: ContinuousClock.Instant
    }

    /// Wrong tries allowed per address within ``window``.
    let maximumFailures: Int
    /// How long the count of an address lasts, from its first wrong try.
    let window: Duration
    /// Addresses remembered at most.
    let maximumAddresses: Int
    private let entries = Mutex<[String: Entry]>([:])

    /// 10 wrong tries per address per minute by default.
    init(maximumFailures: Int = 10, window: Duration = .seconds(60), maximumAddresses: Int = 10_000) {
        self.maximumFailures = maximumFailures
        self.window = window
        self.maximumAddresses = maximumAddresses
    }

    /// How long `address` must wait before its credentials are checked again; `nil` when they
    /// may be checked now.
    func retryAfter(_ address: String, now: ContinuousClock.Instant = .now) -> Duration? {
        entries.withLock { entries in
            guard let entry = entries[address] else { return nil }
            let end = entry.windowStart + window
            guard now < end else {
                entries[address] = nil
                return nil
            }
            return entry.failures >= maximumFailures ? end - now : nil
        }
    }

    /// Notes a wrong try from `address`.
    func recordFailure(_ address: String, now: ContinuousClock.Instant = .now) {
        entries.withLock { entries in
            if var entry = entries[address], now < entry.windowStart + window {
                entry.failures += 1
                entries[address] = entry
                return
            }
            if entries.count >= maximumAddresses {
                entries = entries.filter { now < $0.value.windowStart + window }
                if entries.count >= maximumAddresses,
                   let oldest = entries.min(by: { $0.value.windowStart < $1.value.windowStart })?.key {
                    entries[oldest] = nil
                }
            }
            entries[address] = Entry(failures: 1, windowStart: now)
        }
    }

    /// Forgets the wrong tries of `address` (it just gave the right pair).
    func recordSuccess(_ address: String) {
        entries.withLock { entries in
            if entries[address] != nil { entries[address] = nil }
        }
    }
}
