import ChatCore
@testable import ChatHTTP
import ChatStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Logging
import Synchronization
import Testing

/// Issue 14 item 13 (the HTTP parts) and item 8 (search as a denial of service).
@Suite("Hardening of chatt-server's routes")
struct HardeningTests {
    static func sqliteStore() throws -> (SQLiteMessageStore, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-hardening-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return (try SQLiteMessageStore(path: folder.appendingPathComponent("chatt.db").path), folder)
    }

    // MARK: search

    @Test func aNulInTheQueryIsABadRequestNotAnEmpty500() async throws {
        let (store, folder) = try Self.sqliteStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        var batch = StoreBatch()
        batch.messages = [try message("main", "alice", "hello world")]
        try await store.write(batch)
        try await withTestApp(store: store) { client in
            for q in ["%00", "he%00llo", "hello%01", "%7F%7F"] {
                try await client.execute(uri: "/data/rooms/main/search?q=\(q)", method: .get) { response in
                    #expect(response.status == .badRequest, "\(q)")
                    #expect(response.text.contains("control characters"), "\(q)")
                }
            }
            try await client.execute(uri: "/data/rooms/main/search?q=hello", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("hello world"))
            }
        }
    }

    @Test func anUnexpectedErrorIsA500WithABodyAndALogLine() async throws {
        struct DiskOnFire: Error, CustomStringConvertible { var description: String { "the disk is on fire" } }
        let store = GatedStore()
        store.open()
        store.state.withLock { $0.searchError = DiskOnFire() }
        let records = LogRecords()
        try await withTestApp(store: store, logger: records.logger()) { client in
            try await client.execute(uri: "/data/rooms/main/search?q=hello", method: .get) { response in
                #expect(response.status == .internalServerError)
                #expect(response.text.contains("log says why"))
            }
        }
        let logged = records.all.filter { $0.level == .error }
        #expect(logged.count == 1)
        #expect(logged.first?.metadata["error"] == "the disk is on fire")
        #expect(logged.first?.metadata["path"] == "/data/rooms/main/search")
    }

    @Test func theLengthLimitCountsScalarsNotGraphemes() async throws {
        try await withTestApp { client in
            let combining = String(repeating: "%CC%81", count: 1_000)  // U+0301, 1,000 times
            try await client.execute(uri: "/data/rooms/main/search?q=ab\(combining)", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.text.contains("too long"))
            }
            let fine = String(repeating: "ab ", count: 60)
            try await client.execute(uri: "/data/rooms/main/search?q=\(fine.replacingOccurrences(of: " ", with: "+"))",
                                     method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func oneLetterWordsAreRefusedAlone() async throws {
        try await withTestApp { client in
            for q in ["a", "a+b", "%C3%A9"] {
                try await client.execute(uri: "/data/rooms/main/search?q=\(q)", method: .get) { response in
                    #expect(response.status == .badRequest, "\(q)")
                    #expect(response.text.contains("too short"), "\(q)")
                }
            }
            // Beside a longer word they are left out: "line 1" searches "line" (the page's
            // search box failed with 400 on it).
            try await client.execute(uri: "/data/rooms/main/search?q=hello+a", method: .get) { #expect($0.status == .ok) }
        }
        #expect(try HistoryController<ChatRequestContext, InMemoryMessageStore>.searchWords("line+1 x  two") == "line two")
    }

    @Test func searchesPastTheLimitAreRefusedAtOnceAndOthersStillAnswer() async throws {
        let store = GatedStore(holding: [.search])
        try await withTestApp(store: store) { client in
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await client.execute(uri: "/data/rooms/main/search?q=hello", method: .get) { $0.status }
                    }
                }
                try await store.waitForHeld(2)
                // Both search slots are busy: a third is refused at once, lastinfo and healthz answer.
                try await client.execute(uri: "/data/rooms/main/search?q=other", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.retryAfter] == "1")
                    #expect(response.text.contains("too many searches"))
                }
                try await client.execute(uri: "/data/lastinfo", method: .get) { #expect($0.status == .ok) }
                try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
                store.open()
                for try await status in group { #expect(status == .ok) }
            }
            try await client.execute(uri: "/data/rooms/main/search?q=again", method: .get) { #expect($0.status == .ok) }
        }
        #expect(store.state.withLock { $0.searchStarted } == 3)
    }

    @Test func aSearchPastItsTimeBudgetIsStopped() async throws {
        let (store, folder) = try Self.sqliteStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        var batch = StoreBatch()
        // Matches everywhere but in the room searched: the scan goes through all 3,000.
        batch.messages = try (1...3_000).map { try message("other", "alice", "apple number \($0)") }
            + [message("main", "alice", "apple pie")]
        try await store.write(batch)
        await #expect(throws: SearchTimedOut.self) {
            try await store.search(in: .main, for: "apple", limit: 50, timeBudget: .zero)
        }
        #expect(try await store.search(in: .main, for: "apple", limit: 5).map(\.text) == ["apple pie"])
        // The connection is not left interrupted: the same reads work after.
        #expect(try await store.search(in: try RoomName("other"), for: "apple", limit: 5).count == 5)
        #expect(try await store.lastMessages(in: .main, limit: 1).count == 1)

        let gated = GatedStore()
        gated.open()
        gated.state.withLock { $0.searchError = SearchTimedOut(budget: .seconds(1)) }
        try await withTestApp(store: gated) { client in
            try await client.execute(uri: "/data/rooms/main/search?q=apple", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.text.contains("longer or more words"))
            }
        }
    }

    // MARK: other routes

    @Test func historyAnswersAreNeverStored() async throws {
        let store = try await storeWithMessages(3)
        try await withTestApp(store: store) { client in
            for path in ["/data/lastinfo", "/data/rooms/main/messages", "/data/rooms/main/search?q=m1",
                         "/data/rooms/main/messages?before=x", "/data/rooms/-bad-/search?q=hello"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.headers[.cacheControl] == "no-store", "\(path)")
                }
            }
        }
    }

    @Test func headAnswersLikeGetWithoutABody() async throws {
        let store = try await storeWithMessages(3)
        try await withTestApp(store: store) { client in
            for path in ["/", "/static/main.js", "/data/lastinfo", "/healthz"] {
                let length = try await client.execute(uri: path, method: .get) { $0.headers[.contentLength] }
                try await client.execute(uri: path, method: .head) { response in
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.body.readableBytes == 0, "\(path)")
                    #expect(response.headers[.contentLength] == length, "\(path)")
                }
            }
            try await client.execute(uri: "/static/missing.js", method: .head) { #expect($0.status == .notFound) }
        }
    }

    @Test func symbolicLinksUnderStaticAreNotFollowed() async throws {
        let web = try TestWebRoot()
        let fileManager = FileManager.default
        try fileManager.createSymbolicLink(atPath: web.path + "/static/root", withDestinationPath: "/")
        try fileManager.createSymbolicLink(atPath: web.path + "/static/outside.txt", withDestinationPath: web.path + "/Package.swift")
        try fileManager.createSymbolicLink(atPath: web.path + "/static/linked-img", withDestinationPath: web.path + "/static/img")
        try await withTestApp(store: InMemoryMessageStore(), webRoot: web) { client in
            for path in ["/static/root/proc/self/environ", "/static/root/etc/hostname", "/static/outside.txt",
                         "/static/linked-img/logo.png"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .notFound, "\(path)")
                    #expect(!response.text.contains("outside"), "\(path)")
                }
            }
            try await client.execute(uri: "/static/img/logo.png", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func setChannelsAndSetRoomMessagesKeepTheRoomLimit() async throws {
        let store = InMemoryMessageStore()
        var configuration = ServerConfiguration()
        configuration.maxRooms = 3
        try await withTestApp(configuration: configuration, store: store) { client in
            try await TestPeer.$address.withValue(TestPeer.loopback) {
                let ok = try await ControlTests.post(client, "/cmd/setChannels", #"["dev", "dev", "main"]"#)
                #expect(ok.status == .ok)
                let tooMany = try await ControlTests.post(client, "/cmd/setChannels", #"["random", "more"]"#)
                #expect(tooMany.status == .conflict)
                #expect(tooMany.text.contains("--max-rooms"))
                let third = try await ControlTests.post(client, "/cmd/setChannels", #"["random", "dev"]"#)
                #expect(third.status == .ok)
                let fourth = try await ControlTests.post(
                    client, "/cmd/setRoomMessages", #"{"room": "fourth", "messages": [["a", "b"]]}"#)
                #expect(fourth.status == .conflict)
                let known = try await ControlTests.post(
                    client, "/cmd/setRoomMessages", #"{"room": "dev", "messages": [["a", "b"]]}"#)
                #expect(known.status == .ok)
            }
        }
        #expect(try await store.rooms().map(\.rawValue) == ["main", "dev", "random"])
    }

    @Test func maxRoomsComesFromTheFlagAndTheFile() throws {
        #expect(try ServerConfiguration.load(file: nil, environment: [:]).maxRooms == 1000)
        #expect(try ServerConfiguration.load(file: nil, environment: [:], flags: .init(maxRooms: 5)).maxRooms == 5)
        let file = try TemporaryFile(contents: "history:\n  max_rooms: 7\nhttp:\n  idle_timeout: 5\n  max_connections: 50\n")
        defer { file.remove() }
        let configuration = try ServerConfiguration.load(file: file.path, environment: [:])
        #expect(configuration.maxRooms == 7)
        #expect(configuration.idleTimeoutSeconds == 5)
        #expect(configuration.maxConnections == 50)
        let automatic = try TemporaryFile(contents: "http:\n  max_connections:\n")
        defer { automatic.remove() }
        #expect(try ServerConfiguration.load(file: automatic.path, environment: [:]).maxConnections == nil)
        #expect(ServerConfiguration.automaticMaxConnections(openFileLimit: 256) == 192)
        #expect(ServerConfiguration.automaticMaxConnections(openFileLimit: 65_536) == 1000)
        #expect(ServerConfiguration.automaticMaxConnections(openFileLimit: nil) == 1000)
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.load(file: nil, environment: [:], flags: .init(maxRooms: 0))
        }
    }
}
