import ChatCore
import ChatStore
import Foundation
import Testing

@Suite("Settings, counters and the online list, on every store")
struct SettingsAndOnlineTests {
    @Test("a setting is kept once: the first value wins, later defaults get it back", arguments: StoreKind.allCases)
    func settingKeptOnce(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        #expect(try await store.setting(SettingKey.memorizeClientID) == nil)
        #expect(try await store.setting(SettingKey.memorizeClientID, default: "first") == "first")
        #expect(try await store.setting(SettingKey.memorizeClientID, default: "second") == "first")
        #expect(try await store.setting(SettingKey.memorizeClientID) == "first")
    }

    @Test("counters add up across writes", arguments: StoreKind.allCases)
    func counters(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        var batch = StoreBatch()
        batch.counters[SettingKey.setAsideMessages] = 2
        try await store.write(batch)
        batch.counters[SettingKey.setAsideMessages] = 3
        try await store.write(batch)
        #expect(try await store.setting(SettingKey.setAsideMessages) == "5")
    }

    @Test("online changes apply as additions and removals, after a full replacement", arguments: StoreKind.allCases)
    func onlineChanges(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        var batch = StoreBatch()
        batch.recordOnlineChange(from: ["bot"], to: ["bot", "ann", "bob"])
        try await store.write(batch)
        #expect(try await store.onlineUsers() == ["bot", "ann", "bob"])
        batch = StoreBatch()
        batch.recordOnlineChange(from: ["bot", "ann", "bob"], to: ["bot", "bob", "cid"])
        #expect(batch.onlineRemoved == ["ann"])
        #expect(batch.onlineAdded == ["cid"])
        try await store.write(batch)
        #expect(try await store.onlineUsers() == ["bot", "bob", "cid"])
        batch = StoreBatch()
        batch.online = ["bot"]
        batch.onlineAdded = ["dee"]
        try await store.write(batch)
        #expect(try await store.onlineUsers() == ["bot", "dee"])
        var unchanged = StoreBatch()
        unchanged.recordOnlineChange(from: ["bot"], to: ["bot"])
        #expect(unchanged.isEmpty)
    }
}
