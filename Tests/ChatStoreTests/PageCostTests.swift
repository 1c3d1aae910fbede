import ChatCore
import Foundation
import GRDB
import GRDBSQLite
@testable import ChatStore
import Testing

/// A page of history must cost the same whatever the size of the history. Time is too
/// noisy on a shared machine to show it, so these tests count the virtual-machine steps
/// SQLite takes for the store's own queries (`SQLITE_STMTSTATUS_VM_STEP`), with 100 and
/// with 10,000 messages in the room.
@Suite("the cost of a page does not grow with the history")
struct PageCostTests {
    static let room = "busy"

    /// A database holding `count` messages in the room (and as many in another room),
    /// written through the store as memorize writes them.
    func database(with count: Int) async throws -> (path: String, cleanup: @Sendable () -> Void) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-cost-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("chatt.db").path
        let store = try SQLiteMessageStore(path: path)
        let rooms = [try RoomName(Self.room), try RoomName("other")]
        for start in stride(from: 0, to: count, by: 1000) {
            var batch = StoreBatch()
            for index in start..<min(count, start + 1000) {
                for room in rooms {
                    batch.messages.append(NewMessage(room: room, author: "ann", text: "message \(index) in \(room)",
                                                     messageID: "\(room)-\(index)", receivedAt: Int64(index)))
                }
            }
            try await store.write(batch)
        }
        return (path, { try? FileManager.default.removeItem(at: directory) })
    }

    /// SQLite's step count for one run of `sql`, and the rows it returned.
    func steps(_ sql: String, _ arguments: StatementArguments, in path: String) throws -> (steps: Int32, rows: Int) {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            let statement = try db.makeStatement(sql: sql)
            statement.arguments = arguments
            let rows = try Row.fetchAll(statement).count
            return (sqlite3_stmt_status(statement.sqliteStatement, SQLITE_STMTSTATUS_VM_STEP, 0), rows)
        }
    }

    /// The key of the message `fromNewest` places before the newest one of the room.
    func key(_ fromNewest: Int, in path: String) throws -> Int64 {
        try DatabaseQueue(path: path).read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM message WHERE room = ? ORDER BY id DESC LIMIT 1 OFFSET ?",
                               arguments: [Self.room, fromNewest])!
        }
    }

    @Test("the last 50 messages of a room (what /data/lastinfo sends): as many steps with 10,000 as with 100")
    func lastMessages() async throws {
        let small = try await database(with: 100)
        let large = try await database(with: 10_000)
        defer { small.cleanup(); large.cleanup() }
        let few = try steps(SQLiteMessageStore.lastMessagesSQL, [Self.room, 50], in: small.path)
        let many = try steps(SQLiteMessageStore.lastMessagesSQL, [Self.room, 50], in: large.path)
        #expect(few.rows == 50 && many.rows == 50)
        #expect(few.steps == many.steps, "steps with 100 messages: \(few.steps), with 10,000: \(many.steps)")
    }

    @Test("an older page (keyset, before a key): as many steps with 10,000 as with 100")
    func olderPage() async throws {
        let small = try await database(with: 100)
        let large = try await database(with: 10_000)
        defer { small.cleanup(); large.cleanup() }
        // The page before the 60th newest message: 40 left in the small room, so ask for 40.
        let few = try steps(SQLiteMessageStore.pageBeforeSQL, [Self.room, try key(59, in: small.path), 40], in: small.path)
        let many = try steps(SQLiteMessageStore.pageBeforeSQL, [Self.room, try key(59, in: large.path), 40], in: large.path)
        #expect(few.rows == 40 && many.rows == 40)
        #expect(few.steps == many.steps, "steps with 100 messages: \(few.steps), with 10,000: \(many.steps)")
        // And deep in the large history, far from the newest end: still the same cost.
        let deep = try steps(SQLiteMessageStore.pageBeforeSQL, [Self.room, try key(9_000, in: large.path), 40], in: large.path)
        #expect(deep.rows == 40 && deep.steps == many.steps, "steps 9,000 messages back: \(deep.steps)")
    }
}
