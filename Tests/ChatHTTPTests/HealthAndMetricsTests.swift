import ChatCore
import ChatHTTP
import ChatStore
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
