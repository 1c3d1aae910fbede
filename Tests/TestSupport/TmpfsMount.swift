public import Foundation

/// A small tmpfs mounted for one test, to make a disk that fills up for real (a
/// database's writes then fail with "database or disk is full"). Needs root, as the
/// suite runs on Debian and in CI; ``isAvailable`` says whether mounting works here.
public final class TmpfsMount: Sendable {
    /// The mount point.
    public let path: String
    private var fillerPath: String { path + "/.filler" }

    /// Whether this process may mount a tmpfs (root, not in a restricted container).
    public static let isAvailable: Bool = {
        guard getuid() == 0 else { return false }
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-tmpfs-probe-\(UUID().uuidString)")
        guard (try? FileManager.default.createDirectory(at: probe, withIntermediateDirectories: true)) != nil else { return false }
        defer { try? FileManager.default.removeItem(at: probe) }
        guard run("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe.path]) else { return false }
        _ = run("umount", [probe.path])
        return true
    }()

    /// Mounts a tmpfs of `megabytes` at `url` (made if missing).
    public init(at url: URL, megabytes: Int) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
        guard Self.run("mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path]) else {
            throw TestSupportError("cannot mount a tmpfs at \(path)")
        }
    }

    /// Fills the file system with a filler file until about `leavingKilobytes` are free.
    public func fill(leavingKilobytes: Int) throws {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { throw TestSupportError("statvfs \(path) failed") }
        let free = Int(stats.f_bavail) * Int(stats.f_frsize)
        let size = max(0, free - leavingKilobytes * 1_024)
        // Written in place (not atomically through a temporary file, which would leave
        // a second copy behind on a full disk).
        let descriptor = open(fillerPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw TestSupportError("cannot create \(fillerPath)") }
        defer { close(descriptor) }
        let chunk = [UInt8](repeating: 0, count: 64 * 1_024)
        var written = 0
        while written < size {
            let count = min(chunk.count, size - written)
            let result = chunk.withUnsafeBytes { write(descriptor, $0.baseAddress, count) }
            guard result > 0 else { break }
            written += result
        }
    }

    /// Removes the filler: the space is back.
    public func freeFilling() {
        unlink(fillerPath)
    }

    /// Unmounts (lazily, so a process still holding a file cannot keep it mounted).
    public func unmount() {
        _ = Self.run("umount", ["-l", path])
    }

    @discardableResult
    private static func run(_ tool: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return false
        }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
