import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What a finished command printed and how it ended.
public struct ToolResult: Sendable {
    /// The exit status, or 128 + the signal number when a signal ended it.
    public var status: Int32
    /// Everything it wrote to standard output.
    public var stdout: String
    /// Everything it wrote to standard error.
    public var stderr: String
}

/// A command started by a test (`mosquitto_sub`, `mosquitto_pub`, a daemon under test),
/// its output going to files so that no pipe can fill up and block it.
///
/// Started with `posix_spawn`, with an empty signal mask and default signal handlers:
/// a test process may block SIGTERM in the spawning thread, and a child that inherits
/// that mask would ignore ``terminate()``.
public final class ToolProcess: Sendable {
    /// The process id.
    public let pid: Int32
    private let exitStatus = Mutex<Int32?>(nil)
    private let directory: URL
    /// The command line, for messages.
    public let commandLine: String

    /// Starts `executable` (a path, or a name looked up in PATH) with `arguments`, with
    /// `input` on standard input; `environment` replaces the environment when given.
    public convenience init(_ executable: String, _ arguments: [String], input: String? = nil, environment: [String: String]? = nil) throws {
        try self.init(executable, arguments, inputBytes: Array((input ?? "").utf8), environment: environment)
    }

    /// Starts `executable` with raw bytes on standard input (read from a file, so it sees
    /// the end of input at once and no pipe can leak into another child).
    public init(_ executable: String, _ arguments: [String], inputBytes: [UInt8], environment: [String: String]? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-tool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(inputBytes).write(to: directory.appendingPathComponent("stdin"))
        commandLine = ([executable] + arguments).joined(separator: " ")

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, directory.appendingPathComponent("stdin").path, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, directory.appendingPathComponent("stdout").path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, directory.appendingPathComponent("stderr").path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Nothing else of the test process: a pipe another test holds open must not
        // reach a long-lived child (it would never see its end of input).
        closeInheritedDescriptors(&actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let environmentLines = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var pid: Int32 = 0
        let code = withCStrings([executable] + arguments) { argv in
            withCStrings(environmentLines) { envp in
                executable.contains("/")
                    ? posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
                    : posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
            }
        }
        guard code == 0 else {
            throw TestSupportError("cannot start \(executable): \(String(cString: strerror(code)))")
        }
        self.pid = pid
    }

    /// Whether it still runs (reaps it once it has ended).
    public var isRunning: Bool {
        exitStatus.withLock { status in
            guard status == nil else { return false }
            var raw: Int32 = 0
            let result = waitpid(pid, &raw, WNOHANG)
            guard result == pid else { return result == 0 }
            let signal = raw & 0x7F
            status = signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
            return false
        }
    }

    /// The exit status (128 + the signal number for a signal) once it has ended; `nil`
    /// while it runs.
    public var exitStatusIfEnded: Int32? {
        isRunning ? nil : exitStatus.withLock { $0 }
    }

    /// What it has written to standard output so far.
    public var stdout: String { read("stdout") }

    /// What it has written to standard error so far.
    public var stderr: String { read("stderr") }

    private func read(_ name: String) -> String {
        (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }

    /// Waits for it to end; kills it and throws if `timeout` passes first.
    @discardableResult
    public func wait(timeout: Duration = .seconds(30)) async throws -> ToolResult {
        do {
            try await waitUntil("\(commandLine) to exit", timeout: timeout) { !isRunning }
        } catch {
            kill()
            throw TestSupportError("\(error); stderr: \(stderr)")
        }
        let status = exitStatus.withLock { $0 } ?? -1
        return ToolResult(status: status, stdout: stdout, stderr: stderr)
    }

    /// Sends SIGTERM.
    public func terminate() {
        if isRunning { Glibc.kill(pid, SIGTERM) }
    }

    /// Sends SIGKILL.
    public func kill() {
        if isRunning { Glibc.kill(pid, SIGKILL) }
    }

    deinit {
        if isRunning {
            Glibc.kill(pid, SIGKILL)
            var raw: Int32 = 0
            waitpid(pid, &raw, 0)
        }
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Calls `body` with a NULL-terminated C array of copies of `strings`.
private func withCStrings<T>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> T) -> T {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return body(pointers)
}

/// Adds "close every descriptor from 3 up" to `actions`: glibc's
/// `posix_spawn_file_actions_addclosefrom_np` (2.34+, not visible to Swift without
/// `_GNU_SOURCE`, so looked up at run time), else one close per descriptor open now.
private func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
        let addCloseFrom = unsafeBitCast(symbol, to: AddCloseFrom.self)
        if addCloseFrom(&actions, 3) == 0 { return }
    }
    let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    for name in open {
        if let fd = Int32(name), fd >= 3 { posix_spawn_file_actions_addclose(&actions, fd) }
    }
}
