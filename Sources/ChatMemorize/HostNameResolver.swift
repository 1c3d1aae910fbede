import Foundation
import Synchronization

/// Reverse DNS for the greeting's "From <host> :: <address>".
package protocol HostNameResolver: Sendable {
    /// The host name of `address`, or `nil`; must answer within a bounded time.
    func hostName(for address: String) async -> String?
}

/// Never looks anything up (for `--no-reverse-dns`).
package struct NoHostNameResolver: HostNameResolver {
    package init() {}
    package func hostName(for address: String) async -> String? { nil }
}

/// `getnameinfo` on a thread of its own, given up after `timeout`: a slow resolver delays
/// one greeting by at most `timeout`, never the storing of messages.
///
/// Bounded: at most `maximumLookups` threads look up at once (a lookup that hangs keeps
/// its thread until the system resolver gives up; past the bound the answer is `nil` at
/// once), and answers are cached for `cacheLifetime` (at most `cacheSize` addresses), so
/// a storm of hellos from a few addresses costs a few lookups.
package final class SystemHostNameResolver: HostNameResolver {
    package let timeout: Duration
    package let maximumLookups: Int
    package let cacheLifetime: Duration
    package let cacheSize: Int
    private let lookUp: @Sendable (String) -> String?

    private struct State {
        var running = 0
        var cache: [String: (hostName: String?, until: ContinuousClock.Instant)] = [:]
    }

    private let state = Mutex(State())

    /// Creates a resolver; `lookUp` is the blocking lookup (the system's by default).
    package init(
        timeout: Duration = .seconds(2), maximumLookups: Int = 8, cacheLifetime: Duration = .seconds(600),
        cacheSize: Int = 4_096, lookUp: @escaping @Sendable (String) -> String? = SystemHostNameResolver.blockingLookUp
    ) {
        self.timeout = timeout
        self.maximumLookups = maximumLookups
        self.cacheLifetime = cacheLifetime
        self.cacheSize = cacheSize
        self.lookUp = lookUp
    }

    /// How many lookups are running now.
    package var runningLookups: Int { state.withLock { $0.running } }

    package func hostName(for address: String) async -> String? {
        let now = ContinuousClock.now
        let started: Bool? = state.withLock { state in
            if let cached = state.cache[address], cached.until > now { return nil }
            guard state.running < maximumLookups else { return false }
            state.running += 1
            return true
        }
        switch started {
        case nil: return state.withLock { $0.cache[address]?.hostName }
        case false?: return nil
        case true?: break
        }
        let answer = OnceAnswer()
        let lookUp = self.lookUp
        return await withCheckedContinuation { continuation in
            answer.set(continuation)
            // getnameinfo blocks and cannot be cancelled: it runs on a thread of its own,
            // never on the cooperative pool, and the caller stops waiting at the timeout.
            Thread.detachNewThread { [self] in
                let hostName = lookUp(address)
                remember(hostName, for: address)
                answer.resume(hostName)
            }
            let (seconds, attoseconds) = timeout.components
            DispatchQueue.global().asyncAfter(
                deadline: .now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
            ) {
                answer.resume(nil)
            }
        }
    }

    private func remember(_ hostName: String?, for address: String) {
        state.withLock { state in
            state.running -= 1
            if state.cache.count >= cacheSize {
                let now = ContinuousClock.now
                state.cache = state.cache.filter { $0.value.until > now }
                if state.cache.count >= cacheSize { state.cache.removeAll(keepingCapacity: true) }
            }
            state.cache[address] = (hostName, .now + cacheLifetime)
        }
    }

    /// `getnameinfo` with `NI_NAMEREQD`: the name, or `nil`.
    package static func blockingLookUp(_ address: String) -> String? {
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

/// A continuation resumed by whichever answer comes first: the lookup or the timeout.
private final class OnceAnswer: Sendable {
    private let continuation = Mutex<CheckedContinuation<String?, Never>?>(nil)

    func set(_ continuation: CheckedContinuation<String?, Never>) {
        self.continuation.withLock { $0 = continuation }
    }

    func resume(_ hostName: String?) {
        continuation.withLock { current in
            defer { current = nil }
            return current
        }?.resume(returning: hostName)
    }
}
