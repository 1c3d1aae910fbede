import ChatCore
import ChatHTTP
import ChatStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("GET /data/search, from:, paging; topics and archived rooms in /data/lastinfo")
struct RoomsAndSearchRouteTests {
    func store(pizzas: Int) async throws -> InMemoryMessageStore {
        let store = InMemoryMessageStore()
        var batch = StoreBatch()
        for index in 0..<pizzas {
            let room = index % 2 == 0 ? "main" : "food"
            let author = index % 3 == 0 ? "bob" : "ann"
            batch.messages.append(try message(room, author, "pizza \(index)", ts: Int64(index)))
        }
        try await store.write(batch)
        return store
    }

    @Test func searchAcrossRoomsIsPagedWithItsRooms() async throws {
        let store = try await store(pizzas: 70)
        try await withTestApp(store: store) { client in
            let first = try await client.execute(uri: "/data/search?q=pizza", method: .get) { response in
                #expect(response.status == .ok)
                return try #require(try response.json() as? [String: Any])
            }
            let results = try #require(first["results"] as? [[String: Any]])
            #expect(results.count == 50)
            #expect(first["hasMore"] as? Bool == true)
            #expect(results.first?["room"] as? String == "food")
            let entry = try #require(results.last?["message"] as? [Any])
            #expect(entry[1] as? String == "pizza 20")
            let key = try #require((entry[4] as? NSNumber)?.int64Value)
            try await client.execute(uri: "/data/search?q=pizza&before=\(key)", method: .get) { response in
                let json = try #require(try response.json() as? [String: Any])
                #expect((json["results"] as? [[String: Any]])?.count == 20)
                #expect(json["hasMore"] as? Bool == false)
            }
        }
    }

    @Test func fromNickAloneOrWithWordsInBothRoutes() async throws {
        let store = try await store(pizzas: 12)
        try await withTestApp(store: store) { client in
            try await client.execute(uri: "/data/search?q=from:Bob", method: .get) { response in
                let json = try #require(try response.json() as? [String: Any])
                let texts = (json["results"] as? [[String: Any]])?.compactMap { ($0["message"] as? [Any])?[1] as? String }
                #expect(texts == ["pizza 9", "pizza 6", "pizza 3", "pizza 0"])
            }
            try await client.execute(uri: "/data/rooms/main/search?q=from%3Abob+pizza", method: .get) { response in
                let json = try #require(try response.json() as? [String: Any])
                #expect((json["messages"] as? [[Any]])?.compactMap { $0[1] as? String } == ["pizza 6", "pizza 0"])
                #expect(json["hasMore"] as? Bool == false)
            }
            try await client.execute(uri: "/data/search?q=from:bob+9+x", method: .get) { response in
                let json = try #require(try response.json() as? [String: Any])
                #expect((json["results"] as? [[String: Any]])?.count == 4, "short words beside an author are left out")
            }
            try await client.execute(uri: "/data/search?q=x", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func lastInfoHasTopicsAndArchivedRooms() async throws {
        let store = try await store(pizzas: 2)
        var batch = StoreBatch()
        batch.rooms = [try RoomName("old")]
        batch.roomChanges = [
            .topic(.main, RoomTopic(text: "Friday dinner", author: "ann", id: "evt-0001", ts: 5)),
            .archive(try RoomName("old"), RoomArchive(on: true, author: "bob", id: "evt-0002", ts: 7)),
            .archive(try RoomName("food"), RoomArchive(on: true, author: "bob", id: "evt-0003", ts: 0)),
        ]
        try await store.write(batch)
        try await withTestApp(store: store) { client in
            try await client.execute(uri: "/data/lastinfo", method: .get) { response in
                let json = try #require(try response.json() as? [String: Any])
                let topics = try #require(json["topics"] as? [String: [String: Any]])
                #expect(topics["main"]?["text"] as? String == "Friday dinner")
                #expect(topics["main"]?["author"] as? String == "ann")
                #expect((topics["main"]?["ts"] as? NSNumber)?.int64Value == 5)
                // "food" has a message (ts 1) newer than its archiving (ts 0): shown again.
                #expect(json["archived"] as? [String] == ["old"])
                #expect(json["rooms"] as? [String] == ["main", "food", "old"], "archived rooms stay known")
            }
        }
    }
}
