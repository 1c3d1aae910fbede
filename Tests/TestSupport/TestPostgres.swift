public import Foundation
import Synchronization

/// A real PostgreSQL server for tests: one cluster per test process, made with `initdb` in
/// a temporary directory and started on a free loopback port at first use; every test
/// gets a database of its own from ``makeDatabase()``. Stopped (and its directory
/// removed) when the test process exits.
///
/// As root (CI), the cluster belongs to the `postgres` user, since PostgreSQL refuses to
/// run as root. Durability is off (`fsync=off`): tests kill the daemons under test, never
/// the database server.
public final class TestPostgres: Sendable {
    /// The loopback port it listens on.
    public let port: Int
    /// The cluster's directory.
    public let directory: URL
    private let process: ToolProcess
    private let binDirectory: String

    private init(port: Int, directory: URL, process: ToolProcess, binDirectory: String) {
        self.port = port
        self.directory = directory
        self.process = process
        self.binDirectory = binDirectory
    }

    /// The user every test connects as (no password: `trust` on loopback only).
    public static let user = "chatt"

    private static let shared = Mutex<Task<TestPostgres, any Error>?>(nil)

    /// The cluster of this test process, started at first use.
    public static func running() async throws -> TestPostgres {
        let task = shared.withLock { current in
            if let current { return current }
            let task = Task { try await start() }
            current = task
            return task
        }
        return try await task.value
    }

    /// A new, empty database; returns its `postgres://` URL.
    public func makeDatabase() async throws -> String {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try await psql(database: "postgres", "CREATE DATABASE \(name)")
        return "postgres://\(Self.user)@127.0.0.1:\(port)/\(name)"
    }

    /// Runs `sql` with `psql` in `database`; returns what it printed (unaligned, tuples only).
    @discardableResult
    public func psql(database: String, _ sql: String) async throws -> String {
        let result = try await ToolProcess(binDirectory + "/psql", [
            "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port)", "-U", Self.user,
            "-d", database, "-c", sql,
        ]).wait()
        guard result.status == 0 else { throw TestSupportError("psql \(sql) failed: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The name of the database in a URL made by ``makeDatabase()``.
    public static func databaseName(of url: String) -> String {
        String(url.split(separator: "/").last ?? "")
    }

    private static func start() async throws -> TestPostgres {
        let bin = try binaryDirectory()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-postgres-\(UUID().uuidString)")
        let data = directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let asRoot = geteuid() == 0
        if asRoot {
            let chown = try await ToolProcess("chown", ["postgres:", directory.path]).wait()
            guard chown.status == 0 else { throw TestSupportError("chown postgres \(directory.path): \(chown.stderr)") }
        }
        // As root, run as the postgres user (setpriv execs in place: signals reach postgres itself).
        func command(_ tool: String, _ arguments: [String]) -> (String, [String]) {
            asRoot ? ("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", bin + "/" + tool] + arguments)
                : (bin + "/" + tool, arguments)
        }
        let (initdb, initArguments) = command("initdb", [
            "-D", data.path, "-U", user, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync",
        ])
        let made = try await ToolProcess(initdb, initArguments).wait(timeout: .seconds(120))
        guard made.status == 0 else { throw TestSupportError("initdb failed: \(made.stderr)") }

        var attempt = 1
        while true {
            let port = try freeLoopbackPort()
            let (postgres, arguments) = command("postgres", [
                "-D", data.path, "-p", "\(port)", "-k", directory.path, "-c", "listen_addresses=127.0.0.1",
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                "-c", "max_connections=300", "-c", "shared_buffers=64MB",
            ])
            let process = try ToolProcess(postgres, arguments)
            let server = TestPostgres(port: port, directory: directory, process: process, binDirectory: bin)
            do {
                try await waitUntil("PostgreSQL to accept connections on \(port)", timeout: .seconds(60), interval: .milliseconds(50)) {
                    guard process.isRunning else { throw TestSupportError("postgres exited: \(process.stderr)") }
                    return (try? await server.psql(database: "postgres", "SELECT 1")) == "1"
                }
            } catch where attempt < 5 && !process.isRunning {
                attempt += 1
                continue
            }
            stopAtExit(process: process, directory: directory)
            return server
        }
    }

    private static func binaryDirectory() throws -> String {
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
                .sorted { $0.compare($1, options: .numeric) == .orderedDescending }
                .map { "/usr/lib/postgresql/\($0)/bin" }
        for directory in candidates where FileManager.default.isExecutableFile(atPath: directory + "/initdb")
            && FileManager.default.isExecutableFile(atPath: directory + "/psql") {
            return directory
        }
        throw TestSupportError("PostgreSQL is not installed (no initdb and psql in PATH or /usr/lib/postgresql/*/bin): apt-get install postgresql")
    }
}

/// What the exit handler stops: the server process and its directory.
private let runningCluster = Mutex<(pid: Int32, directory: String)?>(nil)

private func stopAtExit(process: ToolProcess, directory: URL) {
    runningCluster.withLock { $0 = (process.pid, directory.path) }
    atexit {
        guard let (pid, directory) = runningCluster.withLock({ $0 }) else { return }
        kill(pid, SIGQUIT)  // immediate shutdown: nothing to keep
        var status: Int32 = 0
        for _ in 0..<100 where waitpid(pid, &status, WNOHANG) == 0 { usleep(20_000) }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
