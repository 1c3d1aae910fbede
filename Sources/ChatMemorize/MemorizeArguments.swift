import ChatCore
import ChatStore
import Foundation

/// What `chatt-memorize`'s flags said, as given, before any check: the command fills it,
/// ``MemorizeOptions/init(arguments:environment:)`` checks it (as `ServerConfiguration.load`
/// does the server's), so the rules are tested without running the command.
package struct MemorizeArguments: Sendable, Hashable {
    package var subscribe = false
    /// Each `--broker` given, as given: an address or a comma-separated list of them.
    package var broker = ["mqtt://localhost:1883"]
    package var clientID: String?
    package var db: String?
    package var create = false
    package var sharedGroup: String?
    package var legacyServer: String?
    package var reverseDNS = true
    package var greet = true
    package var greetings = GreetingStyle.quiet.rawValue
    package var maxTextBytes = 16 * 1024
    package var maxRooms = MemorizeOptions.defaultRoomLimit
    package var maxOnline = MemorizeOptions.defaultOnlineLimit
    package var maxQueueBytes = 64 * 1024 * 1024
    package var sweepSeconds = 60.0
    /// `--files-dir`; `nil`: `CHATT_FILES_DIR`, else `files/` beside the SQLite file.
    package var filesDir: String?
    /// `--files-max-age`, as given (`30d`).
    package var filesMaxAge: String?
    /// `--files-max-bytes`.
    package var filesMaxBytes: Int64?
    /// How often uploaded files are swept, in seconds (hidden, for tests).
    package var filesSweepSeconds = 600.0

    /// The defaults, as the command's flags have them.
    package init() {}
}

/// A flag's value that `chatt-memorize` refuses, said so that the user can fix it.
package struct MemorizeArgumentError: Error, Sendable, Hashable, CustomStringConvertible {
    package let description: String

    /// An error saying `description`.
    package init(_ description: String) {
        self.description = description
    }
}

extension MemorizeOptions {
    /// Checks `arguments` and turns them into options; the broker credentials and the
    /// default database come from `environment` (see ``BrokerAddress/withCredentials(from:)``
    /// and `DefaultDatabasePath`).
    ///
    /// - Throws: ``MemorizeArgumentError`` naming the flag and what it takes.
    package init(arguments: MemorizeArguments, environment: [String: String]) throws(MemorizeArgumentError) {
        let database: StoreLocation
        do {
            database = try StoreLocation(parsing: arguments.db ?? DefaultDatabasePath.path(environment: environment),
                                         environment: environment)
        } catch {
            throw MemorizeArgumentError(error.description)
        }
        self.init(database: database)
        createDatabase = arguments.create
        if let clientID = arguments.clientID {
            guard !clientID.isEmpty, clientID.utf8.count <= 128 else {
                throw MemorizeArgumentError("--client-id must be 1 to 128 bytes long")
            }
            self.clientID = clientID
        }
        input = arguments.subscribe ? .subscription : .standardInput
        brokers = try BrokerAddress.list(parsing: arguments.broker, environment: environment)
        if let legacy = arguments.legacyServer {
            guard let url = URL(string: legacy), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw MemorizeArgumentError("--legacy-server must be an http(s) URL, like http://127.0.0.1:8080")
            }
            legacyServer = url
        }
        if let group = arguments.sharedGroup {
            guard arguments.subscribe else { throw MemorizeArgumentError("--shared-group needs --subscribe") }
            guard !group.isEmpty, group.utf8.count <= 64, !group.contains(where: { "/+#".contains($0) || $0.isWhitespace }) else {
                throw MemorizeArgumentError("--shared-group must be 1 to 64 characters without /, +, # or spaces")
            }
            guard arguments.clientID != nil else {
                throw MemorizeArgumentError("--shared-group needs an own --client-id for each instance (say memorize-a and memorize-b)")
            }
            sharedGroup = group
        }
        reverseDNS = arguments.reverseDNS
        greets = arguments.greet
        guard let style = GreetingStyle(rawValue: arguments.greetings) else {
            throw MemorizeArgumentError("--greetings must be quiet or original, not '\(arguments.greetings)'")
        }
        rules.style = style
        guard arguments.maxTextBytes > 0 else { throw MemorizeArgumentError("--max-text-bytes must be positive") }
        limits = PayloadLimits(maximumTextBytes: arguments.maxTextBytes)
        guard arguments.maxRooms > 0 else { throw MemorizeArgumentError("--max-rooms must be positive") }
        roomLimit = arguments.maxRooms
        guard arguments.maxOnline > 0 else { throw MemorizeArgumentError("--max-online must be positive") }
        onlineLimit = arguments.maxOnline
        guard arguments.maxQueueBytes >= 0 else { throw MemorizeArgumentError("--max-queue-bytes must not be negative") }
        maximumQueuedBytes = arguments.maxQueueBytes
        guard arguments.sweepSeconds > 0, arguments.sweepSeconds.isFinite else {
            throw MemorizeArgumentError("--sweep-seconds must be positive")
        }
        sweepInterval = .milliseconds(Int(arguments.sweepSeconds * 1_000))

        var files = FileRetention(directory: DefaultFilesDirectory.path(for: database, environment: environment))
        if let directory = environment["CHATT_FILES_DIR"], !directory.isEmpty { files.directory = directory }
        if let directory = arguments.filesDir {
            guard !directory.isEmpty else { throw MemorizeArgumentError("--files-dir must name a directory") }
            files.directory = directory
        }
        if let text = arguments.filesMaxAge {
            guard let age = FileRetention.duration(parsing: text) else {
                throw MemorizeArgumentError("--files-max-age must be a positive duration like 30d, 12h, 90m or 3600 (seconds), not '\(text)'")
            }
            files.maxAge = age
        }
        if let bytes = arguments.filesMaxBytes {
            guard bytes > 0 else { throw MemorizeArgumentError("--files-max-bytes must be positive") }
            files.maxBytes = bytes
        }
        guard arguments.filesSweepSeconds > 0, arguments.filesSweepSeconds.isFinite else {
            throw MemorizeArgumentError("--files-sweep-seconds must be positive")
        }
        files.interval = .milliseconds(Int(arguments.filesSweepSeconds * 1_000))
        self.files = files
    }
}
