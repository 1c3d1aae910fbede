import ChatCore
import ChatStore
import ChatTestSupport
import Foundation
import Testing

/// chatt-memorize keeps room topics and archive states it receives from a real mosquitto;
/// one for a room nobody created is ignored, like every v2 event.
@Suite("chatt-memorize keeps room settings", .serialized)
struct MemorizeRoomSettingsTests {
    let memorize = productsDirectory.appendingPathComponent("chatt-memorize").path

    @Test("topic and archive stored (latest wins); a topic for an unknown room, archiving main: ignored")
    func topicAndArchive() async throws {
        try await withTestBroker { broker in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-rs-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let db = directory.appendingPathComponent("chatt.db").path
            let daemon = try ToolProcess(memorize, [
                "--subscribe", "--broker", broker.url, "--client-id", "memorize-rooms", "--db", db, "--no-reverse-dns",
            ], environment: ["LOG_LEVEL": "info", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"])
            try await waitUntil("memorize to subscribe", timeout: .seconds(20)) { daemon.memorizeHasSubscribed }
            func publish(_ topic: String, _ payload: String) async throws {
                let run = try await broker.run("mosquitto_pub", ["-q", "1", "-t", topic, "-m", payload])
                #expect(run.status == 0)
            }
            try await publish("rooms/trips/new", "")
            try await publish("rooms/ghost/topic", #"{"author":"ann","id":"evt-ghost1","ts":10,"text":"nobody made me"}"#)
            try await publish("rooms/trips/topic", #"{"author":"ann","id":"evt-topic2","ts":20,"text":"Lisbon in May"}"#)
            try await publish("rooms/trips/topic", #"{"author":"bob","id":"evt-topic1","ts":15,"text":"older, late"}"#)
            try await publish("rooms/trips/archive", #"{"author":"bob","id":"evt-arch01","ts":30,"on":true}"#)
            try await publish("rooms/main/archive", #"{"author":"bob","id":"evt-arch02","ts":40,"on":true}"#)
            try await publish("rooms/main/newtext", #"{"author":"ann","text":"the last one","id":"last-1"}"#)
            let store = try SQLiteMessageStore(path: db, access: .readWriteElseReadOnly)
            try await waitUntil("the last message to be stored", timeout: .seconds(20)) {
                try await store.lastMessages(in: .main, limit: 1).first?.text == "the last one"
            }
            let settings = try await store.roomSettings()
            let trips = try RoomName("trips")
            #expect(settings.topics[trips]?.text == "Lisbon in May")
            #expect(settings.topics[trips]?.author == "ann")
            #expect(settings.archives[trips]?.on == true)
            #expect(settings.topics[try RoomName("ghost")] == nil)
            #expect(settings.archives[.main] == nil, "main always shows")
            #expect(try await store.rooms().contains(try RoomName("ghost")) == false)
            daemon.terminate()
            #expect(try await daemon.wait().status == 0)
        }
    }
}
