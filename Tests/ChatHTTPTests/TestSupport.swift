import ChatCore
import ChatHTTP
import ChatStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization

/// The peer address router tests play; set it with `TestPeer.$address.withValue(…)`.
/// `app.test(.router)` builds the context in the task that sends the request, so the task
/// local reaches it.
enum TestPeer {
    @TaskLocal static var address: PeerAddress? = remote
    static let remote = PeerAddress(parsing: "203.0.113.7")
    static let loopback = PeerAddress(parsing: "127.0.0.1")
    static let proxy = PeerAddress(parsing: "10.0.0.2")
}

/// A request context whose peer address the test chooses (see ``TestPeer``).
struct TestContext: PeerAwareRequestContext {
    var coreContext: CoreRequestContextStorage
    let peer: PeerAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = TestPeer.address
    }
}

/// A web root in a temporary folder: `index.html` and a few static files.
struct TestWebRoot {
    let path: String
    static let index = """
        <!doctype html>
        <html><head>
        <title>ChaTT</title>
        </head><body><header>h</header><input id="passphrase"><input id="nick"><button id="join"></button>
        <div id="all_rooms"><div id="all_channels"></div></div><div id="all_nicks"></div><div id="all_texts"></div>
        </body></html>
        """
    static let script = "export function render(text) {\n" + String(repeating: "  // some code that compresses well\n", count: 60) + "}\n"

    init(index: String? = TestWebRoot.index) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-web-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path + "/static/img", withIntermediateDirectories: true)
        if let index { try Data(index.utf8).write(to: URL(fileURLWithPath: path + "/index.html")) }
        try Data(Self.script.utf8).write(to: URL(fileURLWithPath: path + "/static/main.js"))
        try Data("body { color: black; }\n".utf8).write(to: URL(fileURLWithPath: path + "/static/style.css"))
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]).write(to: URL(fileURLWithPath: path + "/static/img/logo.png"))
        try Data("secret".utf8).write(to: URL(fileURLWithPath: path + "/static/.hidden"))
        try Data("outside".utf8).write(to: URL(fileURLWithPath: path + "/Package.swift"))
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Runs `test` against the router built for `configuration` and `store`, with a fresh web root.
func withTestApp<Store: MessageStore>(
    configuration: ServerConfiguration = ServerConfiguration(),
    store: Store,
    webRoot: TestWebRoot? = nil,
    logger: Logger? = nil,
    _ test: @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    let root = try webRoot ?? TestWebRoot()
    defer { root.remove() }
    let logger = logger ?? {
        var logger = Logger(label: "chatt.test")
        logger.logLevel = .critical
        return logger
    }()
    let router = buildRouter(context: TestContext.self, configuration: configuration, store: store,
                             webRoot: root.path, logger: logger)
    let app = Application(router: router, logger: logger)
    try await app.test(.router, test)
}

/// Same, with an empty in-memory store.
func withTestApp(
    configuration: ServerConfiguration = ServerConfiguration(),
    _ test: @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    try await withTestApp(configuration: configuration, store: InMemoryMessageStore(), test)
}

extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: body) }

    /// The body parsed as JSON.
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(body.readableBytesView), options: [.fragmentsAllowed])
    }
}

/// An `Authorization: Basic` header value.
func basic(_ login: String, _ password: String) -> String {
    "Basic " + Data("\(login):\(password)".utf8).base64EncodedString()
}

/// A message for the store.
func message(_ room: String, _ author: String, _ text: String, id: String? = nil, ts: Int64? = nil) throws -> NewMessage {
    NewMessage(room: try RoomName(room), author: author, text: text, messageID: id, ts: ts, receivedAt: 1_000)
}

/// A store holding `count` messages in `room` (texts "m1"…), ts 1000·i.
func storeWithMessages(_ count: Int, in room: String = "main") async throws -> InMemoryMessageStore {
    let store = InMemoryMessageStore()
    var batch = StoreBatch()
    batch.messages = try (1...max(count, 1)).prefix(count).map { try message(room, "alice", "m\($0)", id: "id\($0)", ts: Int64($0) * 1000) }
    try await store.write(batch)
    return store
}

/// Keeps every log record, for tests that check what the server logs.
final class LogRecords: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let records = Mutex<[Record]>([])

    var all: [Record] { records.withLock { $0 } }

    func append(_ record: Record) { records.withLock { $0.append(record) } }

    /// A logger writing here, from `trace` up.
    func logger() -> Logger {
        var logger = Logger(label: "chatt.test.captured") { _ in CapturingLogHandler(records: self) }
        logger.logLevel = .trace
        return logger
    }
}

struct CapturingLogHandler: LogHandler {
    let records: LogRecords
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { all[key] = "\(value)" }
        records.append(.init(level: event.level, message: "\(event.message)", metadata: all))
    }
}
