import ChatHTTP
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Issue 20: the page gets a list of the broker's WebSocket endpoints to fail over between.
@Suite("Several WebSocket endpoints: config key, WS_ENDPOINTS, --ws-endpoint, meta tag")
struct WebSocketEndpointsTests {
    @Test func noneByDefaultAndTheSinglePortStays() throws {
        let configuration = try loadConfiguration(nil, environment: ["WS_PORT": "9005"])
        #expect(configuration.wsEndpoints.isEmpty)
        #expect(configuration.wsPort == 9005)
    }

    @Test func layeredFileThenEnvironmentThenFlags() throws {
        let yaml = "broker:\n  ws_port: 9002\n  ws_endpoints: [\"ws://a.example:9001/\", \"wss://b.example/mqtt\"]\n"
        let fromFile = try loadConfiguration(yaml)
        #expect(fromFile.wsEndpoints == ["ws://a.example:9001/", "wss://b.example/mqtt"])
        #expect(fromFile.wsPort == 9002)
        let fromEnvironment = try loadConfiguration(yaml, environment: ["WS_ENDPOINTS": "ws://127.0.0.1:9101/, ws://127.0.0.1:9102/"])
        #expect(fromEnvironment.wsEndpoints == ["ws://127.0.0.1:9101/", "ws://127.0.0.1:9102/"])
        let fromFlags = try loadConfiguration(yaml, environment: ["WS_ENDPOINTS": "ws://127.0.0.1:9101/"],
                                 flags: ConfigurationFlags(wsEndpoints: ["ws://c.example:1/", "ws://d.example:2/"]))
        #expect(fromFlags.wsEndpoints == ["ws://c.example:1/", "ws://d.example:2/"])
    }

    @Test func badEndpointsAreRefusedNamingWhere() throws {
        #expect(throws: ConfigurationError.self) { try loadConfiguration("broker:\n  ws_endpoints: [\"http://a.example/\"]\n") }
        do {
            _ = try loadConfiguration("broker:\n  ws_endpoints: [\"ws://a.example/\", \"ws://b\\\"><script>\"]\n")
            Issue.record("a quote in an endpoint was accepted")
        } catch {
            #expect("\(error)".contains("broker.ws_endpoints[1]"))
        }
        do {
            _ = try loadConfiguration(nil, environment: ["WS_ENDPOINTS": "ws://a.example/,ws://"])
            Issue.record("an endpoint without a host was accepted")
        } catch {
            #expect("\(error)".contains("WS_ENDPOINTS"))
        }
        do {
            _ = try loadConfiguration(nil, flags: ConfigurationFlags(wsEndpoints: ["a.example:9001"]))
            Issue.record("an endpoint without ws:// was accepted")
        } catch {
            #expect("\(error)".contains("--ws-endpoint"))
        }
    }

    @Test func theMetaTagIsAJSONArrayInOrder() async throws {
        var configuration = ServerConfiguration()
        configuration.wsEndpoints = ["ws://127.0.0.1:9101/", "wss://b.example/mqtt?x=1&y=2"]
        try await withTestApp(configuration: configuration) { client in
            try await client.execute(uri: "/", method: .get) { response in
                let html = response.text
                let content = try #require(PageTests.meta("chatt-ws-endpoints", in: html))
                #expect(content == "[&quot;ws://127.0.0.1:9101/&quot;,&quot;wss://b.example/mqtt?x=1&amp;y=2&quot;]")
                #expect(PageTests.meta("chatt-broker-port", in: html) == "9001")
            }
        }
        try await withTestApp(configuration: ServerConfiguration()) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(PageTests.meta("chatt-ws-endpoints", in: response.text) == "[]")
            }
        }
    }
}
