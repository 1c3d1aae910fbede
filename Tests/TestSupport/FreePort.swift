#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors of the test support helpers, with what to look at.
public struct TestSupportError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public let description: String

    /// Creates an error.
    public init(_ description: String) {
        self.description = description
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now: the kernel picks one for a
/// socket bound to port 0, and the socket is closed again. (Another process could take it
/// before the caller binds it; the kernel hands ports out in a cycle, so this is rare.)
public func freeLoopbackPort() throws(TestSupportError) -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestSupportError("socket() failed: errno \(errno)") }
    defer { close(fd) }
    guard bindLoopback(fd, port: 0) else { throw TestSupportError("bind(127.0.0.1:0) failed: errno \(errno)") }
    return try boundPort(fd)
}

/// A socket listening on 127.0.0.1 at a port the kernel picks, for a hand-made server
/// in a test; the caller closes it.
public func listeningLoopbackSocket(backlog: Int32 = 1) throws(TestSupportError) -> (descriptor: Int32, port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestSupportError("socket() failed: errno \(errno)") }
    guard bindLoopback(fd, port: 0), listen(fd, backlog) == 0, let port = try? boundPort(fd) else {
        let failure = TestSupportError("cannot listen on 127.0.0.1: errno \(errno)")
        close(fd)
        throw failure
    }
    return (fd, port)
}

/// The local port socket `fd` is bound to.
private func boundPort(_ fd: Int32) throws(TestSupportError) -> Int {
    var address = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw TestSupportError("getsockname failed: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Whether something accepts TCP connections on 127.0.0.1:`port` now.
public func isListening(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = loopbackAddress(port: port)
    let connected = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    return connected == 0
}

/// Binds socket `fd` to 127.0.0.1:`port` (0: a port the kernel picks).
func bindLoopback(_ fd: Int32, port: Int) -> Bool {
    var address = loopbackAddress(port: port)
    return withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}

func loopbackAddress(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(clamping: port).bigEndian
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    return address
}

/// Holds a loopback port while its server is down, so that a parallel test's
/// ``freeLoopbackPort()`` and the kernel's choice of a client's local port cannot take
/// it: a socket bound to the port that does not listen (a connection attempt is refused,
/// as with nothing there). Release it just before the server binds the port again.
final class PortReservation: Sendable {
    private let descriptor: Int32

    /// Binds 127.0.0.1:`port` (with `SO_REUSEADDR`, so that connections of the stopped
    /// server waiting in TIME_WAIT do not stand in the way); `nil` when the port is taken.
    init?(port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        guard bindLoopback(fd, port: port) else {
            close(fd)
            return nil
        }
        descriptor = fd
    }

    deinit { close(descriptor) }
}
