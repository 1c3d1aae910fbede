import ChatCore
import ChatStore
import Foundation
import Testing

@Suite("SQLite specifics")
struct SQLiteMessageStoreTests {
    func temporaryPath() throws -> (String, @Sendable () -> Void) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (directory.appendingPathComponent("chatt.db").path, { try? FileManager.default.removeItem(at: directory) })
    }

    @Test("history survives closing and reopening; WAL mode; integrity ok")
    func reopen() async throws {
        let (path, cleanup) = try temporaryPath()
        defer { cleanup() }
        do {
            let store = try SQLiteMessageStore(path: path)
            var batch = StoreBatch()
            batch.messages = [NewMessage(room: try RoomName("r"), author: "a", text: "kept", messageID: "k", receivedAt: 1)]
            try await store.write(batch)
        }
        let reopened = try SQLiteMessageStore(path: path)
        #expect(try await reopened.lastMessages(in: try RoomName("r"), limit: 1).map(\.text) == ["kept"])
        #expect(try await reopened.integrityCheck() == ["ok"])
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test("stores opened at the same moment on a fresh file (memorize and the server starting together) all open")
    func concurrentFirstOpen() async throws {
        for _ in 0..<10 {
            let (path, cleanup) = try temporaryPath()
            defer { cleanup() }
            let opened = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        do {
                            _ = try SQLiteMessageStore(path: path)
                            return true
                        } catch {
                            Issue.record("\(error)")
                            return false
                        }
                    }
                }
                return await group.reduce(into: 0) { count, ok in count += ok ? 1 : 0 }
            }
            #expect(opened == 4)
        }
    }

    @Test("a path that cannot be opened gives an error naming it")
    func badPath() {
        do {
            _ = try SQLiteMessageStore(path: "/nonexistent-dir/chatt.db")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("/nonexistent-dir/chatt.db"))
        }
    }

    @Test("two stores on one file (two daemons) see each other's writes, ids stay unique")
    func twoWriters() async throws {
        let (path, cleanup) = try temporaryPath()
        defer { cleanup() }
        let first = try SQLiteMessageStore(path: path)
        let second = try SQLiteMessageStore(path: path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in [first, second] {
                group.addTask {
                    for chunk in stride(from: 0, to: 1_000, by: 100) {
                        var batch = StoreBatch()
                        batch.messages = (chunk..<chunk + 100).map {
                            NewMessage(room: .main, author: "a", text: "m\($0)", messageID: "id\($0)", receivedAt: 1)
                        }
                        try await store.write(batch)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await first.messageCount() == 1_000)
        #expect(try await second.messageCount() == 1_000)
    }
}
