import ChatCore
import ChatMemorize
import ChatStore
import ChatTestSupport
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// chatt-memorize's retention of uploaded files (issue 19), over a real SQLite file and a
/// real upload directory.
@Suite("Uploaded files: removed when no message shows them, by age and by budget")
struct FileSweeperTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// A fresh folder holding `chatt.db` and `files/`.
    struct Place {
        let folder: String
        var files: String { folder + "/files" }
        let store: SQLiteMessageStore

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-sweep-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder + "/files", withIntermediateDirectories: true)
            store = try SQLiteMessageStore(path: folder + "/chatt.db")
        }

        /// A file named by `hash` of `size` bytes, last written `age` seconds before ``now``.
        func file(_ hash: String, size: Int = 10, age: TimeInterval) throws {
            let path = files + "/" + hash
            try Data(repeating: 1, count: size).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.modificationDate: FileSweeperTests.now.addingTimeInterval(-age)], ofItemAtPath: path)
        }

        var remaining: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: files)) ?? []).sorted() }

        func remove() { try? FileManager.default.removeItem(atPath: folder) }
    }

    static func hash(_ c: Character) -> String { String(repeating: c, count: 64) }

    static func message(_ text: String, id: String, author: String = "alice") throws -> NewMessage {
        NewMessage(room: try RoomName("main"), author: author, text: text, messageID: id, ts: 1_000, receivedAt: 1_000)
    }

    func sweeper(_ retention: FileRetention, store: some MessageStore, logs: RemovalLog? = nil) -> FileSweeper {
        var logger = logs.map { logs in Logger(label: "chatt.test.sweep") { _ in logs } } ?? Logger(label: "chatt.test.sweep")
        if logs == nil { logger.logLevel = .critical }
        return FileSweeper(retention: retention, store: store, clock: FixedClock(date: Self.now), logger: logger)
    }

    @Test("unreferenced and an hour old: removed; a deleted message's file too; young files wait for their message")
    func unreferenced() async throws {
        let place = try Place()
        defer { place.remove() }
        let (a, b, c, d) = (Self.hash("a"), Self.hash("b"), Self.hash("c"), Self.hash("d"))
        var batch = StoreBatch()
        batch.messages = [
            try Self.message(":img:(/data/files/\(a)/cat.png#w=640&h=480)", id: "message-a"),
            try Self.message("see http://chat.example/data/files/\(b)/notes.txt", id: "message-b"),
        ]
        try await place.store.write(batch)
        // message-b is deleted by its author (a v2 delete event): its text goes, and the file with it.
        var delete = StoreBatch()
        delete.events = [ConversationEvent(room: try RoomName("main"), author: "alice", eventID: "delete-b-1",
                                           target: "message-b", kind: .delete, ts: 2_000, receivedAt: 2_000)]
        try await place.store.write(delete)

        try place.file(a, age: 7200)
        try place.file(b, age: 7200)
        try place.file(c, age: 600)  // uploaded ten minutes ago: its message may be on its way
        try place.file(d, age: 3700)
        try place.file(".upload-123", age: 2 * 86_400)
        try place.file(".upload-456", age: 60)  // an upload in progress
        try place.file("README", age: 99_999)  // not a file of ours

        let logs = RemovalLog()
        let removed = try await sweeper(FileRetention(directory: place.files), store: place.store, logs: logs).sweep()
        #expect(Set(removed.map(\.sha256)) == [b, d, ".upload-123"])
        #expect(removed.first { $0.sha256 == b }?.reason == "no message refers to it")
        #expect(place.remaining == [".upload-456", "README", a, c].sorted())
        #expect(Set(logs.removed) == [b, d, ".upload-123"], "each removal is logged")
    }

    @Test("--files-max-age removes old files even when shown; --files-max-bytes the oldest until they fit")
    func ageAndBudget() async throws {
        let place = try Place()
        defer { place.remove() }
        let hashes = ["1", "2", "3", "4"].map { Self.hash(Character($0)) }
        var batch = StoreBatch()
        batch.messages = try hashes.enumerated().map { index, hash in
            try Self.message(":img:(/data/files/\(hash)/p.png)", id: "message-\(index)")
        }
        try await place.store.write(batch)
        try place.file(hashes[0], size: 100, age: 40 * 86_400)
        try place.file(hashes[1], size: 100, age: 3 * 3600)
        try place.file(hashes[2], size: 100, age: 2 * 3600)
        try place.file(hashes[3], size: 100, age: 60)

        var retention = FileRetention(directory: place.files)
        retention.maxAge = FileRetention.duration(parsing: "30d")
        retention.maxBytes = 150
        let removed = try await sweeper(retention, store: place.store).sweep()
        #expect(removed.map(\.sha256) == [hashes[0], hashes[1], hashes[2]])
        #expect(removed.map(\.reason) == ["older than --files-max-age", "over --files-max-bytes", "over --files-max-bytes"])
        #expect(place.remaining == [hashes[3]])
    }

    @Test func noDirectoryIsNothingToDo() async throws {
        let removed = try await sweeper(FileRetention(directory: "/nonexistent/chatt-files"), store: InMemoryMessageStore()).sweep()
        #expect(removed.isEmpty)
    }

    @Test("the sweep is a service: it sweeps at start and stops on graceful shutdown")
    func service() async throws {
        let place = try Place()
        defer { place.remove() }
        try place.file(Self.hash("e"), age: 7200)
        var retention = FileRetention(directory: place.files)
        retention.interval = .seconds(3600)
        let sweeper = sweeper(retention, store: place.store)
        var logger = Logger(label: "chatt.test.sweep.group")
        logger.logLevel = .critical
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [sweeper], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await waitUntil("the first sweep") { place.remaining.isEmpty }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func durations() {
        #expect(FileRetention.duration(parsing: "30d") == .seconds(30 * 86_400))
        #expect(FileRetention.duration(parsing: "12h") == .seconds(12 * 3600))
        #expect(FileRetention.duration(parsing: "90m") == .seconds(90 * 60))
        #expect(FileRetention.duration(parsing: "2w") == .seconds(14 * 86_400))
        #expect(FileRetention.duration(parsing: "3600") == .seconds(3600))
        for bad in ["", "d", "-1d", "0", "1y", "1.5d", "99999999999999999999d"] {
            #expect(FileRetention.duration(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test("the flags: the directory beside the database by default, CHATT_FILES_DIR, then --files-dir")
    func arguments() throws {
        var arguments = MemorizeArguments()
        arguments.db = "/srv/chatt/chatt.db"
        #expect(try MemorizeOptions(arguments: arguments, environment: [:]).files.directory == "/srv/chatt/files")
        #expect(try MemorizeOptions(arguments: arguments, environment: ["CHATT_FILES_DIR": "/e"]).files.directory == "/e")
        arguments.filesDir = "/f"
        arguments.filesMaxAge = "7d"
        arguments.filesMaxBytes = 1_000_000
        let options = try MemorizeOptions(arguments: arguments, environment: ["CHATT_FILES_DIR": "/e"])
        #expect(options.files.directory == "/f" && options.files.maxAge == .seconds(7 * 86_400) && options.files.maxBytes == 1_000_000)
        arguments.filesMaxAge = "soon"
        let error = #expect(throws: MemorizeArgumentError.self) { try MemorizeOptions(arguments: arguments, environment: [:]) }
        #expect(error?.description.contains("--files-max-age") == true)
    }
}

/// A clock that stays at one time.
struct FixedClock: ChatClock {
    let date: Date
    func now() -> Date { date }
}

/// The `sha256` of every "file removed" log record.
struct RemovalLog: LogHandler {
    final class Records: Sendable {
        let hashes = Mutex<[String]>([])
    }

    private let records = Records()
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    var removed: [String] { records.hashes.withLock { $0 } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard event.message == "file removed", let hash = event.metadata?["sha256"] else { return }
        records.hashes.withLock { $0.append("\(hash)") }
    }
}
