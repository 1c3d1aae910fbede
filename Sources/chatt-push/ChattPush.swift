#if WebPush  // the package trait: without it this is a stub (below), linking nothing
import ArgumentParser
import ChatDaemon
import ChatPush
import Foundation

@main
struct ChattPush: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chatt-push",
        abstract: "Send Web Push notifications for ChaTT: mentions, direct messages, and rooms a member chose.",
        discussion: """
            Runs beside chatt-memorize: subscribes to the broker (rooms/+/newtext, direct/#) and, \
            for each message, posts an encrypted Web Push (RFC 8291, signed with the chat's \
            VAPID key, RFC 8292) to each browser subscribed through the page (POST \
            /data/push/subscriptions on chatt-server) whose member is mentioned, is the \
            recipient of a direct message (no content: "new direct message from X"), or chose \
            "all" for the room; never for their own messages; a muted room sends nothing.

              chatt-push --broker mqtt://localhost:1883 --db data/chatt.db

            Broker credentials and --db as chatt-memorize's. The VAPID key is made once and \
            kept in the database (shared with chatt-server). A subscription the push service \
            answers 404 or 410 is deleted; other failures are logged, not retried. SIGTERM or \
            SIGINT: exit 0.
            """)

    @Option(help: "The broker: mqtt://[user:pass@]host:port; several (a cluster's nodes) comma-separated or repeated, as chatt-memorize's --broker. Default: mqtt://localhost:1883.")
    var broker: [String] = []

    @Option(help: "MQTT client id (default: chatt-push- and a random suffix).")
    var clientID: String?

    @Option(help: "Where history is (the subscriptions and the VAPID key): an SQLite file or postgres://…, as chatt-memorize's --db.")
    var db: String?

    @Option(help: "The VAPID contact for push services' operators: mailto:you@example.org or https://… (env CHATT_VAPID_SUBJECT). Default: mailto:chatt@localhost.")
    var vapidSubject: String?

    @Option(help: "How long a push service keeps a notification for an offline browser, in seconds. Default: 86400.")
    var ttl = 24 * 3_600

    @Flag(name: .customLong("push-allow-loopback"), help: "For tests only: send to endpoints on loopback, http too (env CHATT_PUSH_ALLOW_LOOPBACK=1). Off: https on public hosts only.")
    var pushAllowLoopback = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let logger = DaemonLogging.bootstrap(label: "chatt.push", environment: environment)
        var arguments = PushOptions.Arguments()
        if !broker.isEmpty { arguments.broker = broker }
        arguments.clientID = clientID
        arguments.db = db
        arguments.vapidSubject = vapidSubject
        arguments.ttl = ttl
        arguments.allowLoopback = pushAllowLoopback
        let options: PushOptions
        do {
            options = try PushOptions(arguments: arguments, environment: environment)
        } catch {
            throw ExitPolicy.badConfiguration("chatt-push", error.description)
        }
        do {
            try await PushDaemon.run(options, logger: logger)
        } catch let error as ExitCode {
            throw error
        } catch {
            throw ExitPolicy.failure("chatt-push", "\(error)")
        }
    }
}
#else
#if canImport(Glibc)
import Glibc
#endif

/// Built without the WebPush trait (run.sh's first build): says so and exits 1.
@main
enum ChattPushWithoutWebPush {
    static func main() {
        let message = "chatt-push: built without Web Push (the WebPush trait): build it with `swift build --traits WebPush --product chatt-push`\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        exit(1)
    }
}
#endif
