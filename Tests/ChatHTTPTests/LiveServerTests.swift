import ChatCore
import ChatHTTP
import ChatStore
import ChatTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@Suite("A real socket and a real SQLite file")
struct LiveServerTests {
    @Test func liveRoundTripWithSpoofedForwardedFor() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let web = try TestWebRoot()
        defer { web.remove() }
        // The file does not exist yet: the store creates it.
        let store = try SQLiteMessageStore(path: folder.appendingPathComponent("nested-new.db").path)
        var configuration = ServerConfiguration()
        configuration.port = 0
        var logger = Logger(label: "chatt.test.live")
        logger.logLevel = .critical
        let router = buildRouter(context: ChatRequestContext.self, configuration: configuration, store: store,
                                 webRoot: web.path, logger: logger)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await app.test(.live) { client in
            // The peer is 127.0.0.1: a header claiming a remote client changes nothing either way.
            try await client.execute(
                uri: "/cmd/setChannels", method: .post, headers: [.xForwardedFor: "203.0.113.9"],
                body: ByteBuffer(string: #"["live-room"]"#)
            ) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(
                uri: "/cmd/setRoomMessages", method: .post, headers: [.xForwardedFor: "203.0.113.9, 10.1.1.1"],
                body: ByteBuffer(string: #"{"room": "live-room", "messages": [["alice", "over a socket"]]}"#)
            ) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/data/lastinfo", method: .get) { response in
                let json = try #require(try response.json() as? [String: Any])
                #expect(json["rooms"] as? [String] == ["main", "live-room"])
                let messages = try #require(json["messages"] as? [String: [[Any]]])
                #expect(messages["live-room"]?.first?[1] as? String == "over a socket")
            }
            try await client.execute(uri: "/", method: .get, headers: [.xForwardedFor: "198.51.100.4"]) { response in
                #expect(PageTests.meta("chatt-client-address", in: response.text) == "127.0.0.1")
            }
            // The store answers: /healthz says 200 (retried: on a loaded machine a check of
            // the SQLite file can pass the 2 s budget, which is a 503 by design).
            try await waitUntil("/healthz to answer 200", interval: .milliseconds(200)) {
                try await client.execute(uri: "/healthz", method: .get) { $0.status == .ok }
            }
        }
        #expect(try await store.lastMessages(in: RoomName("live-room"), limit: 5).map(\.text) == ["over a socket"])
    }
}
