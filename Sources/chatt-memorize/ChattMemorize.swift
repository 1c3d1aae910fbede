import ArgumentParser
import ChatDaemon
import ChatCore
import ChatMemorize
import Foundation
import Logging

@main
struct ChattMemorize: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chatt-memorize",
        abstract: "Store every ChaTT message, greet newcomers and log idle users out.",
        discussion: """
            Reads what mosquitto_sub -v prints (one "<topic> <payload>" a line) on standard \
            input, as the original did:

              mosquitto_sub -L "mqtt://$USER:$PASS@localhost:1883/rooms/#" -t 'users/#' -v | chatt-memorize

            or subscribes by itself with a persistent session, so nothing published while it \
            was down is lost:

              chatt-memorize --subscribe --broker mqtt://localhost:1883

            With several brokers (the nodes of a cluster), it fails over to the next one when \
            the one it uses goes away, resuming its persistent session where that broker holds \
            it:

              chatt-memorize --subscribe --broker mqtt://node1:1883,mqtt://node2:1883

            Several instances can split the load (docs/scaling.md): each subscribes to a \
            shared group and they write one PostgreSQL database; greetings and idle logouts \
            run in exactly one of them at a time, the holder of a lock in the database:

              chatt-memorize --subscribe --shared-group memorize --client-id memorize-a \\
                  --db postgres://chatt@db.example:5432/chatt

            Broker credentials: CHATT_USER/CHATT_PASS, else those in --broker, else USER/PASS \
            (only when PASS is set). History goes to --db (default: $DATA_DIR/chatt.db, else \
            ~/.local/share/chatt/chatt.db), which chatt-server reads. Beside an SQLite file, \
            <db>.id records which database it is: a missing or different database is an error \
            (not a new empty history) unless --create; a database file deleted or replaced \
            while it runs stops it with an error (exit 1), before anything more is \
            acknowledged. SIGTERM, SIGINT or the end of input: what was received is stored, \
            then it exits 0.

            Keys (SPEC.md, identity): the first key announced on users/<nick>/key is pinned \
            for that nickname; a different one later is refused and logged. \
            --forget-key NICK releases it. bot's key is made once and kept in the database.

            Uploaded files (chatt-server's --files-dir): every 10 minutes, a file that no \
            message refers to any more (its message deleted or edited away) is removed once it \
            is an hour old (the upload comes before its message); --files-max-age and \
            --files-max-bytes remove files by age and to a size budget, oldest first. Each \
            removal is logged.
            """)

    @Flag(help: "Subscribe to rooms/#, users/# and direct/# on the broker instead of reading standard input.")
    var subscribe = false

    @Option(help: "The broker: mqtt://[user:pass@]host:port. Several (the nodes of a cluster): a comma-separated list, or the flag repeated; memorize connects to the first that answers and, when it goes away, moves to the next with the same client id and persistent session. Credentials per entry, or given once: an entry without them uses those of the first entry that has some (a comma in a password is written %2C). Default: mqtt://localhost:1883.")
    var broker: [String] = []

    @Option(help: "MQTT client id of the persistent session (default: a random id made on the first start and kept in the database, so no member can guess it and take the session over). Each instance of a --shared-group needs its own.")
    var clientID: String?

    @Option(help: "Where history is: an SQLite file, or postgres://user[:password]@host[:port]/dbname[?sslmode=require] (without a password in the URL, PGPASSWORD's is used).")
    var db: String?

    @Flag(help: "Accept a new database where one was: start an empty history when the SQLite file is missing although <db>.id says one existed, or take a file that is another database than the one recorded. Without it, both are errors.")
    var create = false

    @Option(help: "Split the load with other instances: subscribe as $share/NAME/rooms/#, $share/NAME/users/# and $share/NAME/direct/# (needs --subscribe and an own --client-id per instance).")
    var sharedGroup: String?

    @Option(name: .customLong("import"), help: "Import the original's chatinfo.json, or what --export printed, into the database, then exit.")
    var importFile: String?

    @Flag(help: "Print all history as JSON Lines ({\"room\",\"author\",\"text\",\"ts\",\"id\"} and, when they have something, \"replyTo\", \"edited\", \"deleted\", \"reactions\"; oldest first), then exit.")
    var export = false

    @Option(help: ArgumentHelp("Release NICK's pinned key (a member who lost their personal secret): the next key announced for NICK is pinned. Then exit.", valueName: "nick"))
    var forgetKey: String?

    @Option(help: "Also keep a server of the original ChaTT up to date (POST /cmd/*), e.g. http://127.0.0.1:8080.")
    var legacyServer: String?

    @Flag(inversion: .prefixedNo, help: "Look up the host name of a newcomer's address for the greeting (--greetings original only).")
    var reverseDNS = true

    @Flag(inversion: .prefixedNo, help: "Publish greetings and idle logouts (--no-greet for a second instance beside one that does).")
    var greet = true

    @Option(help: "quiet: greet a nickname the first time only, without its address, host or other nicknames; original: the original's rules exactly (welcome back, changed computer, connection issues, each ending 'From <host> :: <address>').")
    var greetings = GreetingStyle.quiet.rawValue

    @Option(help: "Longest message text accepted, in bytes.")
    var maxTextBytes = 16 * 1024

    @Option(help: "The most rooms kept; a message that would create one more is skipped and logged.")
    var maxRooms = MemorizeOptions.defaultRoomLimit

    @Option(help: "The most users listed online; a newcomer past it is recorded but not listed.")
    var maxOnline = MemorizeOptions.defaultOnlineLimit

    @Option(help: "Past this many bytes of messages waiting to be stored, QoS 0 messages are dropped (counted and logged); QoS 1 messages never are.")
    var maxQueueBytes = 64 * 1024 * 1024

    @Option(help: .hidden)
    var sweepSeconds: Double = 60

    @Option(help: ArgumentHelp("The directory of uploaded photos and files, chatt-server's --files-dir (env CHATT_FILES_DIR). Default: files/ beside the SQLite file ($DATA_DIR/files).", valueName: "path"))
    var filesDir: String?

    @Option(help: ArgumentHelp("Remove uploaded files older than this, whether a message shows them or not: 30d, 12h, 90m, or seconds. Default: no age limit.", valueName: "duration"))
    var filesMaxAge: String?

    @Option(help: ArgumentHelp("When uploaded files take more than this many bytes, remove the oldest until they fit. Default: no budget.", valueName: "bytes"))
    var filesMaxBytes: Int64?

    @Option(help: .hidden)
    var filesSweepSeconds: Double = 600

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let logger = DaemonLogging.bootstrap(label: "chatt.memorize", environment: environment)
        let options: MemorizeOptions
        do {
            options = try MemorizeOptions(arguments: MemorizeCommandSupport.arguments(of: self), environment: environment)
        } catch {
            throw ExitPolicy.badConfiguration("chatt-memorize", error.description)
        }
        if let importFile {
            try await MemorizeCommandSupport.importLegacy(importFile, into: options.database, create: create, logger: logger)
        } else if let forgetKey {
            try await MemorizeCommandSupport.forgetKey(forgetKey, in: options.database, create: create, logger: logger)
        } else if export {
            try await MemorizeCommandSupport.export(from: options.database, create: create, logger: logger)
        } else {
            try await MemorizeDaemon.run(options, environment: environment, logger: logger)
        }
    }
}
