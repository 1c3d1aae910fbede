import ChatCore
import ChatHTTP
import ChatStore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("POST /cmd/* — the loopback-only control API")
struct ControlTests {
    static func post(_ client: some TestClientProtocol, _ path: String, _ body: String,
                     headers: HTTPFields = [:]) async throws -> TestResponse {
        try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body)) { $0 }
    }

    @Test func setRoomMessagesReplacesTheLog() async throws {
        let store = try await storeWithMessages(3)
        try await withTestApp(store: store) { client in
            try await TestPeer.$address.withValue(TestPeer.loopback) {
                let response = try await Self.post(client, "/cmd/setRoomMessages", """
                    {"room": "main", "messages": [["alice", "one"], ["bob", "two", 1234, "id-2", 99], ["carol", "three", "extra"]]}
                    """)
                #expect(response.status == .ok)
                #expect(response.text == #"{"status":"ok"}"#)
            }
            let messages = try await store.lastMessages(in: .main, limit: 10)
            #expect(messages.map(\.author) == ["alice", "bob", "carol"])
            #expect(messages.map(\.text) == ["one", "two", "three"])
            #expect(messages[1].ts == 1234 && messages[1].messageID == "id-2")
        }
    }

    @Test func setChannelsAddsRoomsAndSetAuthorsReplacesUsersOnline() async throws {
        let store = InMemoryMessageStore()
        try await withTestApp(store: store) { client in
            try await TestPeer.$address.withValue(PeerAddress(parsing: "::1")) {
                let channels = try await Self.post(client, "/cmd/setChannels", #"["dev", "random"]"#)
                let authors = try await Self.post(client, "/cmd/setAuthors", #"["bot", "alice"]"#)
                #expect(channels.status == .ok && authors.status == .ok)
            }
        }
        #expect(try await store.rooms().map(\.rawValue) == ["main", "dev", "random"])
        #expect(try await store.onlineUsers() == ["bot", "alice"])
    }

    @Test(arguments: ["/cmd/setRoomMessages", "/cmd/setChannels", "/cmd/setAuthors"])
    func refusedForARemotePeerWhateverTheHeadersSay(path: String) async throws {
        let store = InMemoryMessageStore()
        try await withTestApp(store: store) { client in
            for headers: HTTPFields in [[:], [.xForwardedFor: "127.0.0.1"], [HTTPField.Name("X-Real-IP")!: "127.0.0.1"]] {
                let response = try await Self.post(client, path, #"["x"]"#, headers: headers)
                #expect(response.status == .forbidden)
                #expect(response.text.contains("loopback"))
            }
            try await TestPeer.$address.withValue(nil) {
                let response = try await Self.post(client, path, #"["x"]"#)
                #expect(response.status == .forbidden)
            }
        }
        #expect(try await store.rooms() == [.main])
        #expect(try await store.onlineUsers() == ["bot"])
    }

    @Test(arguments: [
        ("/cmd/setRoomMessages", "not json", "not valid JSON"),
        ("/cmd/setRoomMessages", #"{"messages": []}"#, "`room`"),
        ("/cmd/setRoomMessages", #"{"room": "no such/room", "messages": []}"#, "room"),
        ("/cmd/setRoomMessages", #"{"room": "main", "messages": [["alice"]]}"#, "messages"),
        ("/cmd/setRoomMessages", #"{"room": "main", "messages": [[1, "x"]]}"#, "a string"),
        ("/cmd/setChannels", #"{"room": "main"}"#, "the body"),
        ("/cmd/setChannels", #"["ok", "not ok"]"#, "`[1]`"),
        ("/cmd/setAuthors", #"["alice", "a/b"]"#, "`[1]`"),
        ("/cmd/setAuthors", #"[3]"#, "a string"),
    ])
    func malformedBodiesAre400WithTheReason(path: String, body: String, reason: String) async throws {
        try await withTestApp { client in
            try await TestPeer.$address.withValue(TestPeer.loopback) {
                let response = try await Self.post(client, path, body)
                #expect(response.status == .badRequest, "\(path) \(body)")
                #expect(response.text.contains(reason), "\(path) \(body): \(response.text)")
            }
        }
    }

    @Test func bodiesAreLimited() async throws {
        var configuration = ServerConfiguration()
        configuration.maxBodyBytes = 1024
        try await withTestApp(configuration: configuration) { client in
            try await TestPeer.$address.withValue(TestPeer.loopback) {
                let names = (0..<200).map { "\"room-\($0)\"" }.joined(separator: ",")
                let response = try await Self.post(client, "/cmd/setChannels", "[\(names)]")
                #expect(response.status == .contentTooLarge)
            }
        }
    }

    @Test func getIsNotAllowed() async throws {
        try await withTestApp { client in
            try await TestPeer.$address.withValue(TestPeer.loopback) {
                try await client.execute(uri: "/cmd/setChannels", method: .get) { response in
                    #expect(response.status == .methodNotAllowed || response.status == .notFound)
                }
            }
        }
    }
}
