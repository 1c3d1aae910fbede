import Foundation

/// The buffer between what receives messages (a stdin thread, the MQTT client) and the
/// task that stores them.
///
/// Buffering is a decision here: a blocking producer (the stdin thread) waits while
/// ``capacity`` items are waiting, so memory stays flat however fast the input comes;
/// an async producer (the MQTT client, already bounded by the broker's in-flight window)
/// never waits; it can ask ``waitingBytes`` to shed what may be shed (QoS 0 messages)
/// when too much waits. The consumer takes everything waiting at once, which is what makes
/// a group commit: one transaction for whatever has arrived.
package final class IngestQueue<Element: Sendable>: @unchecked Sendable {
    // NSCondition guards every stored property below.
    private let condition = NSCondition()
    private var buffer: [Element] = []
    private var waiter: CheckedContinuation<Void, Never>?
    private var finished = false
    private var bytes = 0

    /// How many items may wait before a blocking producer waits too.
    package let capacity: Int
    /// How many bytes an item holds, for ``waitingBytes``.
    private let weight: @Sendable (Element) -> Int

    /// Creates a queue; `weight` tells how many bytes an item holds.
    package init(capacity: Int = 8_192, weight: @escaping @Sendable (Element) -> Int = { _ in 0 }) {
        self.capacity = capacity
        self.weight = weight
    }

    /// How many bytes the waiting items hold, by `weight`.
    package var waitingBytes: Int {
        condition.lock()
        defer { condition.unlock() }
        return bytes
    }

    /// Adds an item, waiting (blocking the calling thread) while the queue is full.
    /// For producers on a thread of their own only.
    package func pushWaitingWhileFull(_ element: Element) {
        condition.lock()
        while buffer.count >= capacity && !finished {
            condition.wait()
        }
        appendAndUnlock(element)
    }

    /// Adds an item without ever waiting.
    package func push(_ element: Element) {
        condition.lock()
        appendAndUnlock(element)
    }

    /// With the lock held: appends, releases the lock, then wakes a waiting consumer.
    private func appendAndUnlock(_ element: Element) {
        buffer.append(element)
        bytes += weight(element)
        let resumed = waiter
        waiter = nil
        condition.unlock()
        resumed?.resume()
    }

    /// No more items will come: the consumer gets what is left, then `nil`.
    package func finish() {
        condition.lock()
        finished = true
        let resumed = waiter
        waiter = nil
        condition.broadcast()
        condition.unlock()
        resumed?.resume()
    }

    /// Takes up to `limit` waiting items, suspending until there is at least one; `nil`
    /// once the queue is finished and empty. One consumer at a time.
    package func take(upTo limit: Int = .max) async -> [Element]? {
        while true {
            switch takeWaiting(upTo: limit) {
            case .items(let items): return items
            case .finished: return nil
            case .empty:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    if !park(continuation) { continuation.resume() }
                }
            }
        }
    }

    private enum Taken {
        case items([Element]), empty, finished
    }

    private func takeWaiting(upTo limit: Int) -> Taken {
        condition.lock()
        defer { condition.unlock() }
        if !buffer.isEmpty {
            let taken: [Element]
            if buffer.count <= limit {
                taken = buffer
                buffer.removeAll(keepingCapacity: true)
            } else {
                taken = Array(buffer.prefix(limit))
                buffer.removeFirst(limit)
            }
            bytes = buffer.isEmpty ? 0 : bytes - taken.reduce(0) { $0 + weight($1) }
            condition.broadcast()
            return .items(taken)
        }
        return finished ? .finished : .empty
    }

    /// Keeps `continuation` to resume on the next push; `false` when there is no need to wait.
    private func park(_ continuation: CheckedContinuation<Void, Never>) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard buffer.isEmpty && !finished else { return false }
        waiter = continuation
        return true
    }

    /// How many items are waiting.
    package var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return buffer.count
    }
}
