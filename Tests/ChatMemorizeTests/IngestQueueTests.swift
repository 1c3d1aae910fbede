import ChatCore
import ChatMemorize
import ChatStore
import ChatTestSupport
import Foundation
import Synchronization
import Testing

@Suite("Ingest queue and standard input")
struct IngestQueueTests {
    @Test("the consumer takes everything waiting at once, in order, then nil after finish")
    func groupsWhatIsWaiting() async {
        let queue = IngestQueue<Int>(capacity: 100)
        for value in 0..<10 { queue.push(value) }
        #expect(await queue.take() == Array(0..<10))
        queue.push(10)
        queue.finish()
        #expect(await queue.take() == [10])
        #expect(await queue.take() == nil)
    }

    @Test("a cancelled ingest service returns instead of waiting forever for input")
    func cancelledIngestReturns() async throws {
        let memorizer = try await Memorizer(store: InMemoryMessageStore(), publisher: nil)
        let service = IngestService(queue: IngestQueue<IngestEvent>(), memorizer: memorizer)
        let ended = EndFlag()
        let running = Task {
            try? await service.run()
            ended.set()
        }
        try await Task.sleep(for: .milliseconds(50))  // let it park in take()
        running.cancel()
        try await waitUntil("the cancelled service to return", timeout: .seconds(60)) { ended.isSet }
    }

    @Test("a blocking producer waits while the queue is full; nothing is lost")
    func backpressure() async {
        let queue = IngestQueue<Int>(capacity: 16)
        let producer = Thread {
            for value in 0..<10_000 { queue.pushWaitingWhileFull(value) }
            queue.finish()
        }
        producer.start()
        var received: [Int] = []
        var largest = 0
        while let chunk = await queue.take(upTo: 1_000) {
            largest = max(largest, chunk.count)
            received += chunk
        }
        #expect(received == Array(0..<10_000))
        #expect(largest <= 17)
    }

    @Test("stdin lines: long lines skipped whole, the last line without newline kept")
    func standardInput() async throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let queue = IngestQueue<IngestEvent>()
        let limits = PayloadLimits(maximumTextBytes: 10)
        StandardInputReader.start(fileDescriptor: fds[0], limits: limits, into: queue, clock: SystemClock())
        let tooLong = "rooms/x/new " + String(repeating: "z", count: limits.maximumPayloadBytes + 2_000)
        let input = "rooms/a/new\n\n" + tooLong + "\nrooms/c/new {}\r\nrooms/e/new"
        _ = input.withCString { write(fds[1], $0, strlen($0)) }
        close(fds[1])
        var events: [IngestEvent] = []
        while let chunk = await queue.take() { events += chunk }
        close(fds[0])
        #expect(events.count == 5)
        #expect(events[0] == .room(try RoomName("a")))
        #expect(events[1] == .skipped(reason: "empty line", kind: "line", detail: "line 2"))
        #expect(events[2] == .skipped(reason: InputLineError.tooLong(limit: limits.maximumPayloadBytes + 1_024).description,
                                      kind: "line", detail: "line 3"))
        #expect(events[3] == .room(try RoomName("c")))
        #expect(events[4] == .room(try RoomName("e")))
    }
}

/// Set once, read from anywhere.
final class EndFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
