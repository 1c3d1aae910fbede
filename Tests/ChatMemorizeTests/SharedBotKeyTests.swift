import ChatCore
import ChatMemorize
import ChatStore
import Foundation
import Testing

@Suite("bot's key: made once, shared by every instance on one database")
struct SharedBotKeyTests {
    @Test("four instances starting at once on one SQLite file get one bot key, pinned for bot; a restart keeps it")
    func oneKeyForAll() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-botkey-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("chatt.db").path
        _ = try SQLiteMessageStore(path: path)  // the schema, once
        let identities = try await withThrowingTaskGroup(of: PublicIdentity.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let store = try SQLiteMessageStore(path: path)
                    return try await Memorizer(store: store, publisher: nil).botIdentity
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(identities).count == 1)
        let store = try SQLiteMessageStore(path: path)
        #expect(try await store.pinnedKey(of: .bot) == identities.first)
        #expect(try await Memorizer(store: store, publisher: nil).botIdentity == identities.first)
    }
}
