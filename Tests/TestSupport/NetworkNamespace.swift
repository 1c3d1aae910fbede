import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A network namespace made for one test, joined to the test's own namespace by a veth
/// pair: `hostAddress` on the host side, `namespaceAddress` inside, a /30 in 10.77.0.0/16
/// that no interface uses yet. A client run in it (``run(_:)``) reaches a server bound to
/// `hostAddress` from a non-loopback address. Needs root and iproute2; see
/// ``unavailableReason``. Use ``withNetworkNamespace(_:)``, which removes it afterwards.
public struct NetworkNamespace: Sendable {
    /// The namespace's name (`chatt-<random>`).
    public let name: String
    /// The host side of the veth pair.
    public let hostInterface: String
    /// The address of the host side, e.g. `10.77.12.1`.
    public let hostAddress: String
    /// The address inside the namespace, e.g. `10.77.12.2`.
    public let namespaceAddress: String

    /// Why namespaces cannot be made here (not root, no `ip`, `ip netns add` refused), or
    /// `nil` when they can: tested once by making and removing one.
    public static let unavailableReason: String? = {
        guard geteuid() == 0 else { return "needs root to create a network namespace (ip netns add)" }
        let probe = "chatt-probe-\(getpid())"
        guard let added = runBlocking("ip", ["netns", "add", probe]) else {
            return "iproute2's ip is not installed"
        }
        guard added.status == 0 else {
            return "ip netns add is not permitted here: \(added.stderr.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
        _ = runBlocking("ip", ["netns", "del", probe])
        return nil
    }()

    /// Makes a namespace, its veth pair and addresses, both ends up.
    static func create() async throws -> NetworkNamespace {
        let token = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let used = (try? await ToolProcess("ip", ["-o", "-4", "addr"]).wait().stdout) ?? ""
        guard let subnet = (0..<64).lazy.map({ _ in (Int.random(in: 1...254), 4 * Int.random(in: 0...63)) })
            .first(where: { !used.contains("10.77.\($0.0).\($0.1 + 1)/") })
        else { throw TestSupportError("no free subnet in 10.77.0.0/16") }
        let namespace = NetworkNamespace(
            name: "chatt-\(token)", hostInterface: "cv\(token)h",
            hostAddress: "10.77.\(subnet.0).\(subnet.1 + 1)", namespaceAddress: "10.77.\(subnet.0).\(subnet.1 + 2)")
        let inside = "cv\(token)n"
        let steps: [[String]] = [
            ["netns", "add", namespace.name],
            ["link", "add", namespace.hostInterface, "type", "veth", "peer", "name", inside],
            ["link", "set", inside, "netns", namespace.name],
            ["addr", "add", "\(namespace.hostAddress)/30", "dev", namespace.hostInterface],
            ["link", "set", namespace.hostInterface, "up"],
            ["netns", "exec", namespace.name, "ip", "addr", "add", "\(namespace.namespaceAddress)/30", "dev", inside],
            ["netns", "exec", namespace.name, "ip", "link", "set", inside, "up"],
            ["netns", "exec", namespace.name, "ip", "link", "set", "lo", "up"],
        ]
        for step in steps {
            let result = try await ToolProcess("ip", step).wait()
            guard result.status == 0 else {
                await namespace.remove()
                throw TestSupportError("ip \(step.joined(separator: " ")) failed: \(result.stderr)")
            }
        }
        return namespace
    }

    /// Runs a command inside the namespace and waits for it.
    public func run(_ command: [String], timeout: Duration = .seconds(30)) async throws -> ToolResult {
        try await ToolProcess("ip", ["netns", "exec", name] + command).wait(timeout: timeout)
    }

    /// Removes the namespace (which takes its end of the veth pair, and so both ends).
    func remove() async {
        _ = try? await ToolProcess("ip", ["netns", "del", name]).wait()
        _ = try? await ToolProcess("ip", ["link", "del", hostInterface]).wait()
    }

    private static func runBlocking(_ executable: String, _ arguments: [String]) -> ToolResult? {
        guard let tool = try? ToolProcess(executable, arguments) else { return nil }
        while tool.isRunning { usleep(10_000) }
        return ToolResult(status: tool.exitStatusIfEnded ?? -1, stdout: tool.stdout, stderr: tool.stderr)
    }
}

/// Runs `body` with a fresh ``NetworkNamespace``, then removes it, whether `body` threw or not.
public func withNetworkNamespace<T>(_ body: (NetworkNamespace) async throws -> T) async throws -> T {
    let namespace = try await NetworkNamespace.create()
    do {
        let result = try await body(namespace)
        await namespace.remove()
        return result
    } catch {
        await namespace.remove()
        throw error
    }
}
