#if WebPush  // the package trait: without it (run.sh's first build) this module is empty
import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// Sends Web Push requests with async-http-client: one shared client (its connection pool
/// reuses connections to each push service), a timeout per request, no redirects followed.
package final class WebPushSender: PushSender {
    private let client: HTTPClient
    private let timeout: TimeAmount

    /// A sender on its own event loop group; ``shutdown()`` it when done.
    package init(timeout: Duration = .seconds(15)) {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(Int64(timeout.components.seconds)))
        configuration.decompression = .disabled
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.timeout = .seconds(Int64(timeout.components.seconds))
    }

    package func send(_ request: PushRequest) async -> PushOutcome {
        var http = HTTPClientRequest(url: request.endpoint)
        http.method = .POST
        for (name, value) in request.headers { http.headers.add(name: name, value: value) }
        http.body = .bytes(ByteBuffer(bytes: request.body))
        do {
            let response = try await client.execute(http, timeout: timeout)
            // Read (and drop) a little of the body so the connection can be reused.
            let answer = (try? await response.body.collect(upTo: 4_096)).map { String(buffer: $0) } ?? ""
            switch response.status.code {
            case 200..<300: return .delivered
            case 404, 410: return .gone(status: Int(response.status.code))
            default: return .failed("HTTP \(response.status.code) \(answer.prefix(200))")
            }
        } catch {
            return .failed("\(error)")
        }
    }

    /// Closes the client's connections.
    package func shutdown() async {
        try? await client.shutdown()
    }
}
#endif
