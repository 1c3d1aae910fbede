import ChatTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Issue 14, item 11 and 13: both daemons notice a database deleted under them or missing
/// at start, and chatt-server reads a database it cannot write.
@Suite("the database never vanishes silently", .serialized)
struct DatabaseSafetyCommandTests {
    let memorize = productsDirectory.appendingPathComponent("chatt-memorize").path
    let server = productsDirectory.appendingPathComponent("chatt-server").path
    let environment = ["LOG_LEVEL": "info", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]

    func temporaryDatabase() throws -> (String, @Sendable () -> Void) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-safe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (directory.appendingPathComponent("chatt.db").path, { try? FileManager.default.removeItem(at: directory) })
    }

    func removeDatabase(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    func exportedTexts(_ db: String) async throws -> [String] {
        let run = try await runProduct("chatt-memorize", ["--export", "--db", db])
        return run.stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["text"] as? String
        }
    }

    func startServer(db: String, extra: [String] = []) async throws -> (ToolProcess, Int) {
        let process = try ToolProcess(server, ["--port", "0", "--db", db] + extra, environment: environment)
        try await waitUntil("chatt-server to log its port", timeout: .seconds(60)) {
            guard process.isRunning else { throw ServerEnded(stderr: process.stderr) }
            return ServerCommandTests.listeningPort(in: process.stderr) != nil
        }
        return (process, try #require(ServerCommandTests.listeningPort(in: process.stderr)))
    }

    func get(_ port: Int, _ path: String) async throws -> (status: Int, body: String) {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)\(path)"))
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// Waits until `/healthz` answers 200: the first check of a freshly started server can
    /// pass its 2 s budget on a loaded machine, which is not what these tests are about.
    func waitUntilHealthy(_ port: Int) async throws {
        try await waitUntil("/healthz on port \(port) to answer 200", timeout: .seconds(60), interval: .milliseconds(200)) {
            try await get(port, "/healthz").status == 200
        }
    }

    @Test("memorize: the database deleted while it runs stops it (exit 1) before it acknowledges anything into the lost file; the next start refuses an empty database; with --create the message comes again")
    func memorizeDeletedWhileRunning() async throws {
        try await withTestBroker(persistence: true) { broker in
            let (db, cleanup) = try temporaryDatabase()
            defer { cleanup() }
            let arguments = ["--subscribe", "--broker", broker.url, "--client-id", "memorize-safety", "--db", db, "--no-reverse-dns"]
            let daemon = try ToolProcess(memorize, arguments, environment: environment)
            defer { daemon.kill() }
            try await waitUntil("memorize to subscribe", timeout: .seconds(30)) { daemon.memorizeHasSubscribed }
            _ = try await broker.run("mosquitto_pub", ["-q", "1", "-t", "rooms/main/newtext", "-m", #"{"author":"ann","text":"before","id":"b1"}"#])
            try await waitUntil("the first message to be stored", timeout: .seconds(30)) { try await exportedTexts(db) == ["before"] }

            removeDatabase(db)
            _ = try await broker.run("mosquitto_pub", ["-q", "1", "-t", "rooms/main/newtext", "-m", #"{"author":"ann","text":"after","id":"a1"}"#])
            let stopped = try await daemon.wait(timeout: .seconds(30))
            #expect(stopped.status != 0, "\(stopped.stderr)")
            #expect(stopped.stderr.contains("deleted while open"), "\(stopped.stderr)")

            let refused = try await runProduct("chatt-memorize", arguments, environment: environment)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("it is missing") && refused.stderr.contains("--create"), "\(refused.stderr)")
            #expect(!FileManager.default.fileExists(atPath: db))

            let again = try ToolProcess(memorize, arguments + ["--create"], environment: environment)
            defer { again.kill() }
            try await waitUntil("the message published after the deletion to come again", timeout: .seconds(30)) {
                try await exportedTexts(db) == ["after"]
            }
            again.terminate()
            #expect(try await again.wait().status == 0)
        }
    }

    @Test("chatt-server: the database deleted while it runs makes /healthz answer 503 with the reason and logs an error; the next start refuses")
    func serverDeletedWhileRunning() async throws {
        let (db, cleanup) = try temporaryDatabase()
        defer { cleanup() }
        let (process, port) = try await startServer(db: db)
        defer { process.kill() }
        try await waitUntilHealthy(port)
        removeDatabase(db)
        let health = try await get(port, "/healthz")
        #expect(health.status == 503)
        #expect(health.body.contains("deleted while open"), "\(health.body)")
        try await waitUntil("the watch to log it", timeout: .seconds(30)) {
            process.stderr.contains("the database file is gone from under this process")
        }
        process.terminate()
        #expect(try await process.wait().status == 0)

        let refused = try await runProduct("chatt-server", ["--port", "0", "--db", db], environment: environment)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("it is missing") && refused.stderr.contains("--create"), "\(refused.stderr)")
    }

    @Test("chatt-server on a read-only filesystem: opens the database read-only, says so, serves the history")
    func serverReadOnly() async throws {
        try #require(getuid() == 0, "a read-only bind mount needs root")
        let (db, cleanup) = try temporaryDatabase()
        defer { cleanup() }
        let input = #"rooms/main/newtext {"author":"ann","text":"kept","id":"k1"}"# + "\n"
        let stored = try await runProduct("chatt-memorize", ["--db", db, "--broker", "mqtt://127.0.0.1:9", "--no-reverse-dns"], input: input)
        #expect(stored.status == 0, "\(stored.stderr)")
        let folder = URL(fileURLWithPath: db).deletingLastPathComponent().path
        let mountPoint = folder + "-ro"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: mountPoint) }
        #expect(Self.run("/bin/mount", "--bind", "-o", "ro", folder, mountPoint) == 0)
        defer { _ = Self.run("/bin/umount", "--lazy", mountPoint) }  // also when something still holds it

        let (process, port) = try await startServer(db: mountPoint + "/chatt.db")
        defer { process.kill() }
        #expect(process.stderr.contains("opened read-only"), "\(process.stderr)")
        try await waitUntilHealthy(port)
        #expect(try await get(port, "/data/lastinfo").body.contains("kept"))
        process.terminate()
        #expect(try await process.wait().status == 0)
    }

    /// Runs a short command to its end; its exit status.
    static func run(_ arguments: String...) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
