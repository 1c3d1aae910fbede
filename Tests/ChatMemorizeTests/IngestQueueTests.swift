import ChatMemorize
import Foundation
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
        let queue = IngestQueue<IngestItem>()
        let skipped = SkippedLines()
        StandardInputReader.start(fileDescriptor: fds[0], maximumLineBytes: 100, into: queue, clock: SystemClock()) {
            skipped.add($0.lineNumber)
        }
        let input = "a/b 1\n\n" + "x/y " + String(repeating: "z", count: 300) + "\nc/d 2\r\ne/f 3"
        _ = input.withCString { write(fds[1], $0, strlen($0)) }
        close(fds[1])
        var items: [IngestItem] = []
        while let chunk = await queue.take() { items += chunk }
        close(fds[0])
        #expect(items.map(\.topic) == ["a/b", "c/d", "e/f"])
        #expect(items.map { String(decoding: $0.payload, as: UTF8.self) } == ["1", "2", "3"])
        #expect(skipped.lines == [2, 3])
    }
}

final class SkippedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Int] = []
    func add(_ line: Int) { lock.withLock { stored.append(line) } }
    var lines: [Int] { lock.withLock { stored } }
}
