#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A non-blocking pipe that wakes the network thread from `poll`: callers signal it after
/// queueing work (a publish, an acknowledgement, a disconnect), the loop polls its read end
/// next to the broker's socket and drains it.
///
/// libmosquitto has such a pipe of its own (its `sockpairR`), but does not expose it; the
/// network loop polls the socket itself (see ``MosquittoHandle/loop(timeoutMilliseconds:wake:reading:mayWrite:)``).
final class WakePipe: Sendable {
    let readDescriptor: Int32
    private let writeDescriptor: Int32

    /// Fails when the process is out of file descriptors.
    init() throws(MQTTError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            throw MQTTError(kind: .library, message: "cannot create the MQTT client's wake pipe: error \(errno)")
        }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        readDescriptor = ends[0]
        writeDescriptor = ends[1]
    }

    deinit {
        close(readDescriptor)
        close(writeDescriptor)
    }

    /// Wakes the poller. Never blocks: a full pipe already wakes it.
    func signal() {
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
    }

    /// Empties the pipe, after `poll` said it is readable.
    func drain() {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { buffer in
            while read(readDescriptor, buffer.baseAddress, buffer.count) > 0 {}
        }
    }
}
