import Synchronization

/// The stream of received messages: ``MQTTClient/messages``.
///
/// The network thread hands messages over in bursts (all that arrived within about a
/// millisecond, at most 256), each burst as one element of an underlying `AsyncStream`; the
/// iterator walks each burst. One hand-over per burst instead of per message keeps the two
/// threads from fighting over the stream's lock, which is what lets a consumer keep pace
/// with `mosquitto_sub`.
///
/// **One consumer**: iterate it from one task.
public struct MQTTMessages: AsyncSequence, Sendable {
    public typealias Element = MQTTMessage
    public typealias Failure = Never

    let bursts: AsyncStream<[MQTTMessage]>
    let waiting: WaitingCount

    /// Iterates the messages in the order the broker delivered them.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var bursts: AsyncStream<[MQTTMessage]>.AsyncIterator
        let waiting: WaitingCount
        var burst: [MQTTMessage] = []
        var index = 0

        /// The next message, or `nil` once the client has closed and every message was read.
        ///
        /// Runs in the caller's isolation (what `for await` passes), so that walking a
        /// burst costs no hop between executors.
        public mutating func next(isolation actor: isolated (any Actor)?) async -> MQTTMessage? {
            if index == burst.count {
                guard let next = await bursts.next(isolation: actor) else { return nil }
                waiting.count.subtract(next.count, ordering: .relaxed)
                burst = next
                index = 0
            }
            defer { index += 1 }
            return burst[index]
        }

        /// The next message, or `nil` once the client has closed and every message was read.
        public mutating func next() async -> MQTTMessage? {
            await next(isolation: nil)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(bursts: bursts.makeAsyncIterator(), waiting: waiting)
    }
}

/// How many messages wait in ``MQTTMessages``'s buffer, for ``MQTTMessageBuffering/bounded(_:)``.
final class WaitingCount: Sendable {
    let count = Atomic<Int>(0)
}
