import Foundation

/// Reverse DNS for the greeting's "From <host> :: <address>".
public protocol HostNameResolver: Sendable {
    /// The host name of `address`, or `nil`; must answer within a bounded time.
    func hostName(for address: String) async -> String?
}

/// Never looks anything up (for `--no-reverse-dns`).
public struct NoHostNameResolver: HostNameResolver {
    public init() {}
    public func hostName(for address: String) async -> String? { nil }
}

/// `getnameinfo` on a thread of its own, given up after `timeout`: a slow resolver delays
/// one greeting, never the storing of messages.
public struct SystemHostNameResolver: HostNameResolver {
    public var timeout: Duration

    public init(timeout: Duration = .seconds(2)) {
        self.timeout = timeout
    }

    public func hostName(for address: String) async -> String? {
        await withTaskGroup(of: String?.self) { group in
            group.addTask { await Self.lookUp(address) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    private static func lookUp(_ address: String) async -> String? {
        await withCheckedContinuation { continuation in
            // getnameinfo blocks: run it on a detached thread, never on the cooperative pool.
            Thread.detachNewThread {
                continuation.resume(returning: blockingLookUp(address))
            }
        }
    }

    static func blockingLookUp(_ address: String) -> String? {
        var storage = sockaddr_storage()
        let length: socklen_t
        if address.contains(":") {
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            guard inet_pton(AF_INET6, address, &sin6.sin6_addr) == 1 else { return nil }
            withUnsafeBytes(of: sin6) { bytes in
                withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: bytes) }
            }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        } else {
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            guard inet_pton(AF_INET, address, &sin.sin_addr) == 1 else { return nil }
            withUnsafeBytes(of: sin) { bytes in
                withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: bytes) }
            }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        }
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let status = withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo($0, length, &host, socklen_t(host.count), nil, 0, NI_NAMEREQD)
            }
        }
        guard status == 0 else { return nil }
        return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
