import ChatCore
import ChatHTTP
import ChatStore
import ChatTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("GET /healthz and /metrics")
struct HealthAndMetricsTests {
    @Test func healthSaysTheDatabaseAnswers() async throws {
        try await withTestApp { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                let json = try #require(try response.json() as? [String: String])
                #expect(json == ["status": "ok", "database": "ok"])
            }
        }
    }

    @Test("a store that never answers (a frozen filesystem): /healthz answers 503 after its budget, also to a second request while the first check still hangs",
          .timeLimit(.minutes(1)))
    func healthHasATimeBudget() async throws {
        try await withTestApp(store: UnhealthyStore(health: .hang)) { client in
            for _ in 0..<2 {
                try await client.execute(uri: "/healthz", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    let json = try #require(try response.json() as? [String: String])
                    #expect(json["status"] == "unavailable")
                    #expect(json["database"]?.contains("did not answer within 2 s") == true, "\(json)")
                }
            }
        }
    }

    @Test("a store whose file was deleted under the server: /healthz answers 503 with the reason")
    func healthSaysWhy() async throws {
        try await withTestApp(store: UnhealthyStore(health: .fail("cannot use the database /x/chatt.db: it was deleted while open"))) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.cacheControl] == "no-store")
                let json = try #require(try response.json() as? [String: String])
                #expect(json["database"]?.contains("deleted while open") == true, "\(json)")
            }
        }
    }

    @Test func metricsCountRequestsByRouteAndReadTheStore() async throws {
        let store = try await storeWithMessages(7)
        var setAside = StoreBatch()
        setAside.counters[SettingKey.setAsideMessages] = 2
        try await store.write(setAside)
        try await withTestApp(store: store) { client in
            try await client.execute(uri: "/data/rooms/main/messages?limit=2", method: .get) { _ in }
            try await client.execute(uri: "/data/rooms/main/messages?limit=x", method: .get) { _ in }
            try await client.execute(uri: "/no/such/thing", method: .get) { _ in }
            try await TestPeer.$address.withValue(TestPeer.loopback) {
                try await client.execute(uri: "/metrics", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                    let text = response.text
                    #expect(text.contains(#"chatt_http_requests_total{method="GET",route="/data/rooms/{room}/messages",status="200"} 1"#))
                    #expect(text.contains(#"chatt_http_requests_total{method="GET",route="/data/rooms/{room}/messages",status="400"} 1"#))
                    #expect(text.contains(#"route="unmatched",status="404"} 1"#))
                    #expect(text.contains("chatt_http_request_duration_seconds_bucket"))
                    #expect(text.contains("chatt_messages_stored 7"))
                    #expect(text.contains("chatt_users_online 1"))
                    #expect(text.contains("chatt_messages_set_aside 2"))
                }
            }
        }
    }
}

/// A store that reads like an empty one, whose health check (and version, which the check
/// reads) hangs for good (like a thread stuck in a system call on a frozen filesystem: no
/// cancellation reaches it) or fails.
struct UnhealthyStore: ForwardingMessageStore {
    enum Health: Sendable {
        case hang
        case fail(String)
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let health: Health
    let inner: any MessageStore = InMemoryMessageStore()

    func checkHealth() async throws {
        switch health {
        case .hang:
            await Self.hang()
        case .fail(let reason):
            throw Failure(description: reason)
        }
    }

    /// Never returns, and no cancellation reaches it.
    static func hang() async {
        await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in }
    }

    func version() async throws -> Int64 {
        if case .hang = health { await Self.hang() }
        return try await inner.version()
    }
}
