#if WebPush  // the package trait: without it this is a stub (below), linking nothing
import ArgumentParser
import ChatCore
import ChatPush
import ChatWebPush
import Crypto
import Foundation
import Synchronization

/// bench/push.sh's client: Web Push requests as chatt-push makes them (RFC 8291 encryption
/// with a fresh key and salt, a VAPID token, async-http-client), counted per second.
@main
struct PushBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chatt-bench-push",
        abstract: "Web Push sends per second, as chatt-push's sender makes them (benchmark).")

    @Option(help: "send: encrypt, sign and POST; encrypt: encrypt and sign only; body: write one encrypted body and its headers, then exit.")
    var mode = "send"
    @Option(help: "The push endpoint.") var url = "http://127.0.0.1:8081/push/bench"
    @Option(help: "How many pushes.") var count = 20_000
    @Option(help: "Requests in flight at once (chatt-push's dispatcher uses 16).") var concurrency = 16
    @Option(help: "Where mode body writes the body (the headers go to <file>.headers).") var output = "push-body.bin"

    func run() async throws {
        let receiver = P256.KeyAgreement.PrivateKey()
        let subscription = try PushSubscription(
            endpoint: url, p256dh: Base64URL.encode(receiver.publicKey.x963Representation),
            auth: Base64URL.encode((0..<16).map { UInt8($0) }), policy: EndpointPolicy(allowsLoopback: true))
        // As chatt-push's dispatcher: a fresh encryption per push, a VAPID token per origin and hour.
        let tokens = SharedTokens(VAPIDTokens(key: VAPIDKey(), subject: VAPIDSubject.default))
        let payload = PushNotification.message(room: "main", author: "ann", text: "@bob: the benchmark's message, of a usual length", mention: true).jsonBytes
        @Sendable func request() throws -> PushRequest {
            PushRequest(endpoint: url, body: try PushEncryption.encrypt(payload, for: subscription),
                        authorization: try tokens.authorization(for: url), ttl: 86_400, urgency: "high")
        }
        switch mode {
        case "body":
            let one = try request()
            try Data(one.body).write(to: URL(fileURLWithPath: output))
            try Data(one.headers.map { "\($0.0): \($0.1)" }.joined(separator: "\n").utf8)
                .write(to: URL(fileURLWithPath: output + ".headers"))
        case "encrypt":
            let started = ContinuousClock.now
            for _ in 0..<count { _ = try request() }
            report(count, since: started, failed: 0)
        case "send":
            let sender = WebPushSender()
            // Warm the connection pool.
            _ = await sender.send(try request())
            let started = ContinuousClock.now
            let failed = try await withThrowingTaskGroup(of: Bool.self) { group in
                var failed = 0, started = 0
                while started < min(concurrency, count) {
                    group.addTask { await sender.send(try request()) == .delivered }
                    started += 1
                }
                while let delivered = try await group.next() {
                    if !delivered { failed += 1 }
                    if started < count {
                        group.addTask { await sender.send(try request()) == .delivered }
                        started += 1
                    }
                }
                return failed
            }
            report(count, since: started, failed: failed)
            await sender.shutdown()
        default:
            throw ValidationError("--mode must be send, encrypt or body")
        }
    }

    func report(_ count: Int, since started: ContinuousClock.Instant, failed: Int) {
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "%d pushes in %.2f s: %.0f/s (%d failed)", count, seconds, Double(count) / seconds, failed))
    }
}

/// The tokens shared by the bench's concurrent sends.
final class SharedTokens: Sendable {
    private let tokens: Mutex<VAPIDTokens>

    init(_ tokens: VAPIDTokens) {
        self.tokens = Mutex(tokens)
    }

    func authorization(for endpoint: String) throws -> String {
        try tokens.withLock { try $0.authorization(for: endpoint) }
    }
}
#else
#if canImport(Glibc)
import Glibc
#endif

/// Built without the WebPush trait (run.sh's first build): says so and exits 1.
@main
enum PushBenchWithoutWebPush {
    static func main() {
        let message = "chatt-bench-push: built without Web Push (the WebPush trait): build it with `swift build --traits WebPush --product chatt-bench-push`\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        exit(1)
    }
}
#endif
