import ChatHTTP
import ChatStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("GET / — the page and its meta tags")
struct PageTests {
    static func meta(_ name: String, in html: String) -> String? {
        let marker = "<meta name=\"\(name)\" content=\""
        guard let start = html.range(of: marker)?.upperBound, let end = html[start...].firstIndex(of: "\"") else {
            return nil
        }
        return String(html[start..<end])
    }

    @Test func servesThePageWithMetaTagsAndSecurityHeaders() async throws {
        var configuration = ServerConfiguration()
        configuration.brokerHost = "chat.example"
        configuration.wsPort = 9443
        configuration.wsPath = "/mqtt"
        configuration.brokerTLS = .on
        try await withTestApp(configuration: configuration) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.contentSecurityPolicy] == SecurityHeadersMiddleware<TestContext>.contentSecurityPolicy)
                #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                let html = response.text
                #expect(Self.meta("chatt-client-address", in: html) == "203.0.113.7")
                #expect(Self.meta("chatt-broker-host", in: html) == "chat.example")
                #expect(Self.meta("chatt-broker-port", in: html) == "9443")
                #expect(Self.meta("chatt-broker-path", in: html) == "/mqtt")
                #expect(Self.meta("chatt-broker-tls", in: html) == "true")
                #expect(Self.meta("chatt-protected", in: html) == "false")
                // Inserted right after <head>, before the page's own head content.
                let head = try #require(html.range(of: "<head>"))
                let firstMeta = try #require(html.range(of: "<meta name=\"chatt-client-address\""))
                let title = try #require(html.range(of: "<title>"))
                #expect(head.upperBound <= firstMeta.lowerBound && firstMeta.lowerBound < title.lowerBound)
                for id in ["passphrase", "nick", "join", "all_channels", "all_rooms", "all_nicks", "all_texts"] {
                    #expect(html.contains("id=\"\(id)\""), "missing #\(id)")
                }
            }
        }
    }

    @Test func protectedFlagFollowsTheCredentials() async throws {
        var configuration = ServerConfiguration()
        configuration.credentials = HTTPCredentials(login: "l", password: "p", source: "test")
        try await withTestApp(configuration: configuration) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(Self.meta("chatt-protected", in: response.text) == "true")
            }
        }
    }

    @Test func forwardedForIsIgnoredFromAnUntrustedPeer() async throws {
        try await withTestApp { client in
            try await client.execute(uri: "/", method: .get, headers: [.xForwardedFor: "198.51.100.1"]) { response in
                #expect(Self.meta("chatt-client-address", in: response.text) == "203.0.113.7")
            }
        }
    }

    @Test func forwardedForIsHonouredFromATrustedProxy() async throws {
        var configuration = ServerConfiguration()
        configuration.trustedProxies = [try #require(TestPeer.proxy)]
        try await withTestApp(configuration: configuration) { client in
            try await TestPeer.$address.withValue(TestPeer.proxy) {
                // The client may send its own (forged) entry first; the proxy appends the real one.
                try await client.execute(uri: "/", method: .get, headers: [.xForwardedFor: "1.2.3.4, 198.51.100.1"]) { response in
                    #expect(Self.meta("chatt-client-address", in: response.text) == "198.51.100.1")
                }
                try await client.execute(uri: "/", method: .get) { response in
                    #expect(Self.meta("chatt-client-address", in: response.text) == "10.0.0.2")
                }
            }
            // The same header from another peer changes nothing.
            try await client.execute(uri: "/", method: .get, headers: [.xForwardedFor: "198.51.100.1"]) { response in
                #expect(Self.meta("chatt-client-address", in: response.text) == "203.0.113.7")
            }
        }
    }

    @Test func hostileValuesAreEscaped() async throws {
        var configuration = ServerConfiguration()
        configuration.trustedProxies = [try #require(TestPeer.proxy)]
        configuration.brokerHost = "a\"b<c>&'"
        try await withTestApp(configuration: configuration) { client in
            try await TestPeer.$address.withValue(TestPeer.proxy) {
                try await client.execute(uri: "/", method: .get, headers: [.xForwardedFor: "\"><script>alert(1)</script>"]) { response in
                    let html = response.text
                    #expect(!html.contains("<script>"))
                    #expect(Self.meta("chatt-client-address", in: html) == "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;")
                    #expect(Self.meta("chatt-broker-host", in: html) == "a&quot;b&lt;c&gt;&amp;&#39;")
                }
            }
        }
    }

    @Test func aMissingPageIs404() async throws {
        let root = try TestWebRoot(index: nil)
        try await withTestApp(store: InMemoryMessageStore(), webRoot: root) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentSecurityPolicy] != nil)
            }
        }
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
