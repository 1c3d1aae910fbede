import ChatCore
import ChatHTTP
import ChatStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("GET /data/* — history")
struct HistoryTests {
    @Test func lastInfoHasTheOriginalShapeWithTheLastNOldestFirst() async throws {
        let store = try await storeWithMessages(60)
        var batch = StoreBatch()
        batch.messages = [try message("other", "bob", "hello <b>", ts: 5)]
        batch.online = ["bot", "alice"]
        try await store.write(batch)
        var configuration = ServerConfiguration()
        configuration.historyPageSize = 50
        try await withTestApp(configuration: configuration, store: store) { client in
            try await client.execute(uri: "/data/lastinfo", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                let json = try #require(try response.json() as? [String: Any])
                #expect(json["users"] as? [String] == ["bot", "alice"])
                #expect(json["rooms"] as? [String] == ["main", "other"])
                let messages = try #require(json["messages"] as? [String: [[Any]]])
                let main = try #require(messages["main"])
                #expect(main.count == 50)
                #expect(main.first?[0] as? String == "alice")
                #expect(main.first?[1] as? String == "m11")
                #expect(main.last?[1] as? String == "m60")
                #expect((main.last?[2] as? NSNumber)?.int64Value == 60_000)
                #expect(main.last?[3] as? String == "id60")
                #expect((main.last?[4] as? NSNumber)?.int64Value == 60)
                let other = try #require(messages["other"]?.first)
                #expect(other[0] as? String == "bob" && other[1] as? String == "hello <b>")
                #expect(other[3] is NSNull)
            }
        }
    }

    @Test func lastInfoFollowsTheStoreVersion() async throws {
        let store = try await storeWithMessages(2)
        try await withTestApp(store: store) { client in
            let first = try await client.execute(uri: "/data/lastinfo", method: .get) { $0.text }
            let again = try await client.execute(uri: "/data/lastinfo", method: .get) { $0.text }
            #expect(first == again)
            var batch = StoreBatch()
            batch.messages = [try message("main", "carol", "news")]
            try await store.write(batch)
            try await client.execute(uri: "/data/lastinfo", method: .get) { response in
                #expect(response.text != first)
                #expect(response.text.contains("\"news\""))
            }
        }
    }

    @Test func lastInfoIsGzippedWhenAccepted() async throws {
        let store = try await storeWithMessages(40)
        try await withTestApp(store: store) { client in
            try await client.execute(uri: "/data/lastinfo", method: .get, headers: [.acceptEncoding: "gzip"]) { response in
                #expect(response.headers[.contentEncoding] == "gzip")
            }
            try await client.execute(uri: "/data/lastinfo", method: .get) { response in
                #expect(response.headers[.contentEncoding] == nil)
                let json = try response.json()
                #expect(json is [String: Any])
            }
        }
    }

    @Test func pagesGoBackwardsByKey() async throws {
        let store = try await storeWithMessages(12)
        try await withTestApp(store: store) { client in
            let before = try await client.execute(uri: "/data/rooms/main/messages?limit=5", method: .get) { response in
                #expect(response.status == .ok)
                let json = try #require(try response.json() as? [String: Any])
                let messages = try #require(json["messages"] as? [[Any]])
                #expect(messages.map { $0[1] as? String } == ["m8", "m9", "m10", "m11", "m12"])
                #expect(json["hasMore"] as? Bool == true)
                return try #require((messages.first?[4] as? NSNumber)?.int64Value)
            }
            try await client.execute(uri: "/data/rooms/main/messages?before=\(before)&limit=10", method: .get) { response in
                let json = try #require(try response.json() as? [String: Any])
                let messages = try #require(json["messages"] as? [[Any]])
                #expect(messages.map { $0[1] as? String } == (1...7).map { "m\($0)" })
                #expect(json["hasMore"] as? Bool == false)
            }
            try await client.execute(uri: "/data/rooms/empty-room/messages", method: .get) { response in
                #expect(response.text == #"{"hasMore":false,"messages":[]}"#)
            }
        }
    }

    @Test func searchIsNewestFirst() async throws {
        let store = InMemoryMessageStore()
        var batch = StoreBatch()
        batch.messages = try ["the cat", "a dog", "the cat again", "cats"].map { try message("main", "a", $0) }
        try await store.write(batch)
        try await withTestApp(store: store) { client in
            try await client.execute(uri: "/data/rooms/main/search?q=cat%20the&limit=10", method: .get) { response in
                #expect(response.status == .ok)
                let json = try #require(try response.json() as? [String: Any])
                let messages = try #require(json["messages"] as? [[Any]])
                #expect(messages.map { $0[1] as? String } == ["the cat again", "the cat"])
            }
        }
    }

    @Test(arguments: [
        ("/data/rooms/bad%20room/messages", "room name"),
        ("/data/rooms/bad_room/messages", "room name"),
        ("/data/rooms/main/messages?limit=abc", "`limit`"),
        ("/data/rooms/main/messages?limit=0", "`limit`"),
        ("/data/rooms/main/messages?limit=201", "`limit`"),
        ("/data/rooms/main/messages?before=-3", "`before`"),
        ("/data/rooms/main/messages?before=x1", "`before`"),
        ("/data/rooms/main/search", "`q`"),
        ("/data/rooms/main/search?q=%20", "`q`"),
        ("/data/rooms/main/search?q=ab&limit=1000", "`limit`"),
        ("/data/rooms/\(String(repeating: "r", count: 65))/search?q=a", "too long"),
    ])
    func badRequestsSayWhy(path: String, reason: String) async throws {
        try await withTestApp { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .badRequest, "\(path)")
                #expect(response.text.contains(reason), "\(path): \(response.text)")
            }
        }
    }

    @Test func unknownRoutesAre404() async throws {
        try await withTestApp { client in
            try await client.execute(uri: "/data/nothing", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
