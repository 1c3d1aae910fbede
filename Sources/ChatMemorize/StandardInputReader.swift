package import ChatCore
import Foundation

/// Reads standard input on a thread of its own (reading stdin blocks), understands each
/// line there (see ``IngestEvent/init(parsing:limits:)``) and pushes the result into an
/// ``IngestQueue``, waiting while the queue is full.
package enum StandardInputReader {
    /// Starts the thread; the queue is finished at the end of input.
    package static func start(
        fileDescriptor: Int32 = 0, limits: PayloadLimits, into queue: IngestQueue<IngestEvent>, clock: any ChatClock
    ) {
        let thread = Thread {
            read(fileDescriptor: fileDescriptor, maximumLineBytes: limits.maximumPayloadBytes + 1_024, limits: limits,
                 into: queue, clock: clock)
            queue.finish()
        }
        thread.name = "chatt-stdin"
        thread.start()
    }

    static func read(
        fileDescriptor: Int32, maximumLineBytes: Int, limits: PayloadLimits, into queue: IngestQueue<IngestEvent>,
        clock: any ChatClock
    ) {
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        var line: [UInt8] = []
        var lineNumber = 0
        var discarding = false

        func endOfLine() {
            lineNumber += 1
            defer { line.removeAll(keepingCapacity: true) }
            let event: IngestEvent
            if discarding {
                discarding = false
                event = .skipped(reason: InputLineError.tooLong(limit: maximumLineBytes).description, kind: "line",
                                 detail: "line \(lineNumber)")
            } else {
                do {
                    event = IngestEvent(parsing: try InputLine.parse(line, receivedAt: clock.now().milliseconds), limits: limits)
                } catch {
                    event = .skipped(reason: error.description, kind: "line", detail: "line \(lineNumber)")
                }
            }
            queue.pushWaitingWhileFull(event)
        }

        while true {
            let count = chunk.withUnsafeMutableBytes { Foundation.read(fileDescriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            var start = 0
            while start < count {
                let newline = chunk[start..<count].firstIndex(of: UInt8(ascii: "\n"))
                let end = newline ?? count
                if !discarding {
                    line.append(contentsOf: chunk[start..<end])
                    if line.count > maximumLineBytes {
                        discarding = true
                        line.removeAll(keepingCapacity: true)
                    }
                }
                if newline != nil { endOfLine() }
                start = end + 1
            }
        }
        if !line.isEmpty || discarding { endOfLine() }
    }
}
