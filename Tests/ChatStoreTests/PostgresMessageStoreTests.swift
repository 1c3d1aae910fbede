import ChatCore
import ChatStore
import ChatStorePostgres
import ChatTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@Suite("PostgreSQL store: what only a shared server adds")
struct PostgresMessageStoreTests {
    @Test("two stores writing the same ids at once: each id stored once, no error, order kept per writer")
    func concurrentWriters() async throws {
        let url = try await TestPostgres.running().makeDatabase()
        let address = try PostgresAddress(url: url)
        let (first, stopFirst) = try await PostgresMessageStore.opened(address: address)
        let (second, stopSecond) = try await PostgresMessageStore.opened(address: address)
        defer { stopFirst(); stopSecond() }
        let dev = try RoomName("dev")
        // Both write ids 0..<2000 in batches of 100, one forwards and one backwards (the
        // order that deadlocks without a retry), in two new rooms.
        func batches(reversed: Bool) -> [StoreBatch] {
            let ids = reversed ? Array((0..<2000).reversed()) : Array(0..<2000)
            return stride(from: 0, to: ids.count, by: 100).map { start in
                var batch = StoreBatch()
                batch.messages = ids[start..<start + 100].map { id in
                    NewMessage(room: id % 2 == 0 ? .main : dev, author: "ann", text: "m\(id)", messageID: "id-\(id)",
                               ts: Int64(id), receivedAt: 1)
                }
                return batch
            }
        }
        async let a = Self.writeAll(batches(reversed: false), to: first)
        async let b = Self.writeAll(batches(reversed: true), to: second)
        let (resultA, resultB) = try await (a, b)
        #expect(resultA.inserted + resultB.inserted == 2000)
        #expect(resultA.duplicates + resultB.duplicates == 2000)
        #expect(try await first.messageCount() == 2000)
        #expect(try await second.rooms() == [.main, dev])
    }

    @Test("opening a store and using it once its pool runs logs no warning (the pool runs before the first query)")
    func quietOpen() async throws {
        let address = try PostgresAddress(url: try await TestPostgres.running().makeDatabase())
        let records = RecordedLog()
        let logger = Logger(label: "test") { _ in records }
        for _ in 0..<5 {
            let (store, stop) = try await PostgresMessageStore.opened(address: address, logger: logger)
            _ = try await store.messageCount()
            stop()
        }
        #expect(records.lines.isEmpty, "\(records.lines)")
    }

    static func writeAll(_ batches: [StoreBatch], to store: PostgresMessageStore) async throws -> StoreWriteResult {
        var total = StoreWriteResult()
        for batch in batches {
            let result = try await store.write(batch)
            total.inserted += result.inserted
            total.duplicates += result.duplicates
        }
        return total
    }

    @Test("a second store on the same database sees the first one's writes, and the version moves")
    func sharedReads() async throws {
        let address = try PostgresAddress(url: try await TestPostgres.running().makeDatabase())
        let (writer, stopWriter) = try await PostgresMessageStore.opened(address: address)
        let (reader, stopReader) = try await PostgresMessageStore.opened(address: address)
        defer { stopWriter(); stopReader() }
        let before = try await reader.version()
        var batch = StoreBatch()
        batch.messages = [NewMessage(room: .main, author: "ann", text: "hello there", receivedAt: 5)]
        try await writer.write(batch)
        #expect(try await reader.version() > before)
        #expect(try await reader.lastInfo(messagesPerRoom: 10).messages[.main]?.map(\.text) == ["hello there"])
        #expect(try await reader.search(in: .main, for: "THE", limit: 5).map(\.text) == ["hello there"], "prefix, any case")
    }

    @Test("a database that does not exist, or nothing listening: the server's words, no hang")
    func unreachable() async throws {
        let server = try await TestPostgres.running()
        await #expect {
            _ = try await PostgresMessageStore(address: PostgresAddress(host: "127.0.0.1", port: server.port, user: TestPostgres.user, database: "no_such_db"))
        } throws: { error in
            "\(error)".contains("no_such_db") && "\(error)".contains("does not exist")
        }
        let closed = try freeLoopbackPort()
        await #expect {
            _ = try await PostgresMessageStore(address: PostgresAddress(host: "127.0.0.1", port: closed, user: "chatt", database: "chatt"))
        } throws: { error in
            "\(error)".contains("cannot connect to the database postgres://chatt@127.0.0.1:\(closed)/chatt")
                && "\(error)".contains("Connection refused")
        }
    }
}

/// A log handler that keeps every message of level warning or above.
final class RecordedLog: LogHandler, Sendable {
    private let storage = Mutex<[String]>([])
    var lines: [String] { storage.withLock { $0 } }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    var logLevel: Logger.Level {
        get { .warning }
        set {}
    }
    subscript(metadataKey _: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        storage.withLock { $0.append("\(event.level): \(event.message)") }
    }
}

@Suite("PostgreSQL store: a full disk")
struct PostgresFullDiskTests {
    @Test("the server's disk full (a tablespace on a 2 MB tmpfs): the write throws an error that says full and names the database")
    func fullDisk() async throws {
        try #require(getuid() == 0, "mounting a small tmpfs needs root")
        let postgres = try await TestPostgres.running()
        let url = try await postgres.makeDatabase()
        let database = TestPostgres.databaseName(of: url)
        let mountPoint = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-pgfull-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: mountPoint) }
        #expect(runCommand("/bin/mount", "-t", "tmpfs", "-o", "size=2m", "chatt-pgfull", mountPoint) == 0)
        defer { _ = runCommand("/bin/umount", "--lazy", mountPoint) }  // also when something still holds it
        #expect(runCommand("/bin/chown", "postgres:", mountPoint) == 0)
        let tablespace = "full_" + database
        try await postgres.psql(database: "postgres", "CREATE TABLESPACE \(tablespace) LOCATION '\(mountPoint)'")

        let (store, stop) = try await PostgresMessageStore.opened(address: PostgresAddress(url: url))
        try await postgres.psql(database: database, "ALTER TABLE message SET TABLESPACE \(tablespace)")
        var failure: (any Error)?
        for round in 0..<400 where failure == nil {
            var batch = StoreBatch()
            batch.messages = (0..<20).map { index in
                NewMessage(room: .main, author: "ann", text: "\(round)-\(index) " + String(repeating: "full? ", count: 400),
                           messageID: "r\(round)-\(index)", receivedAt: 1)
            }
            do {
                try await store.write(batch)
            } catch {
                failure = error
            }
        }
        stop()
        let error = try #require(failure, "the disk never filled")
        print("PostgreSQL on a full disk: \(error)")
        #expect("\(error)".contains("full"), "\(error)")
        #expect("\(error)".contains("53100"), "\(error)")
        #expect("\(error)".contains(database), "\(error)")
        try await waitUntil("the store's connections to close", timeout: .seconds(30)) {
            (try? await postgres.psql(database: "postgres", "DROP DATABASE \(database)")) != nil
        }
        try await postgres.psql(database: "postgres", "DROP TABLESPACE \(tablespace)")
    }
}

/// Runs a short command to its end; its exit status.
func runCommand(_ arguments: String...) -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: arguments[0])
    process.arguments = Array(arguments.dropFirst())
    guard (try? process.run()) != nil else { return -1 }
    process.waitUntilExit()
    return process.terminationStatus
}
