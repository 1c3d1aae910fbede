import ArgumentParser
import Hummingbird
import Logging

/// The yardstick for bench/http.sh: Hummingbird answering `GET /data/lastinfo` with a fixed
/// body of the same size as chatt-server's, and nothing else; and bench/push.sh's push
/// endpoint (`POST /push/<id>` → 201).
@main
struct BaselineServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chatt-bench-http-baseline",
        abstract: "A minimal Hummingbird server returning a fixed JSON body (benchmark baseline).")

    @Option(help: "Port to listen on.") var port = 8081
    @Option(help: "Body size in bytes.") var size = 100_000

    func run() async throws {
        var body = ByteBuffer()
        body.writeString("{\"padding\":\"")
        body.writeRepeatingByte(UInt8(ascii: "x"), count: max(0, size - 14))
        body.writeString("\"}")
        let frozen = body
        let router = Router()
        router.get("data/lastinfo") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                     body: ResponseBody(byteBuffer: frozen))
        }
        // bench/push.sh's push endpoint: reads the body, answers 201 as a push service does.
        router.post("push/:id") { request, _ in
            _ = try await request.body.collect(upTo: 8_192)
            return Response(status: .created)
        }
        var logger = Logger(label: "baseline")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                              logger: logger)
        try await app.runService()
    }
}
