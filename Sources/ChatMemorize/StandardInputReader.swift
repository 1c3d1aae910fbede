import ChatCore
import Foundation

/// Reads standard input on a thread of its own (reading stdin blocks) and pushes each
/// line into an ``IngestQueue``, waiting while the queue is full.
public enum StandardInputReader {
    /// Something on standard input that is not a message, with the reason.
    public struct Skipped: Sendable {
        public var reason: InputLineError
        public var lineNumber: Int
    }

    /// Starts the thread. `onSkipped` is called (on that thread) for each line that is not
    /// `<topic> <payload>`; the queue is finished at end of input.
    public static func start(
        fileDescriptor: Int32 = 0, maximumLineBytes: Int, into queue: IngestQueue<IngestItem>,
        clock: any ChatClock, onSkipped: @escaping @Sendable (Skipped) -> Void
    ) {
        let thread = Thread {
            read(fileDescriptor: fileDescriptor, maximumLineBytes: maximumLineBytes, into: queue,
                 clock: clock, onSkipped: onSkipped)
            queue.finish()
        }
        thread.name = "chatt-stdin"
        thread.start()
    }

    static func read(
        fileDescriptor: Int32, maximumLineBytes: Int, into queue: IngestQueue<IngestItem>,
        clock: any ChatClock, onSkipped: @Sendable (Skipped) -> Void
    ) {
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        var line: [UInt8] = []
        var lineNumber = 0
        var discarding = false

        func endOfLine() {
            lineNumber += 1
            defer { line.removeAll(keepingCapacity: true) }
            if discarding {
                discarding = false
                onSkipped(Skipped(reason: .tooLong(limit: maximumLineBytes), lineNumber: lineNumber))
                return
            }
            do {
                queue.pushWaitingWhileFull(try InputLine.parse(line, receivedAt: clock.now().milliseconds))
            } catch {
                onSkipped(Skipped(reason: error, lineNumber: lineNumber))
            }
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
