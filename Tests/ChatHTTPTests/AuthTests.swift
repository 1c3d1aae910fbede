import ChatCore
import ChatHTTP
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("HTTP Basic on /data/* when protected")
struct AuthTests {
    static func protected() throws -> (ServerConfiguration, LegacyCredentials) {
        let pair = try LegacyCredentials(passphrase: "plop")
        let configuration = try ServerConfiguration.load(file: nil, environment: ["USER": pair.login, "PASS": pair.password])
        return (configuration, pair)
    }

    @Test func dataNeedsTheDerivedPair() async throws {
        let (configuration, pair) = try Self.protected()
        try await withTestApp(configuration: configuration) { client in
            for path in ["/data/lastinfo", "/data/rooms/main/messages", "/data/rooms/main/search?q=x"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(path)")
                    #expect(response.headers[.wwwAuthenticate]?.hasPrefix(#"Basic realm="ChaTT""#) == true)
                    #expect(!response.text.contains("bot"))
                }
            }
            for header in [basic(pair.login, "wrong"), basic("wrong", pair.password), basic(pair.password, pair.login),
                           basic(pair.login, pair.password + "x"), "Basic !!!", "Bearer abc", basic(pair.login, "")] {
                try await client.execute(uri: "/data/lastinfo", method: .get, headers: [.authorization: header]) { response in
                    #expect(response.status == .unauthorized, "\(header)")
                }
            }
            try await client.execute(
                uri: "/data/lastinfo", method: .get, headers: [.authorization: basic(pair.login, pair.password)]
            ) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("\"bot\""))
            }
        }
    }

    @Test func pageStaticAndHealthStayPublic() async throws {
        let (configuration, _) = try Self.protected()
        try await withTestApp(configuration: configuration) { client in
            for path in ["/", "/static/main.js", "/healthz"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok, "\(path)")
                }
            }
        }
    }

    @Test func passphraseInTheConfigFileProtectsToo() async throws {
        let file = try TemporaryFile(contents: "auth:\n  passphrase: plop\n")
        defer { file.remove() }
        let configuration = try ServerConfiguration.load(file: file.path, environment: [:])
        let pair = try LegacyCredentials(passphrase: "plop")
        #expect(configuration.credentials?.login == pair.login)
        #expect(configuration.credentials?.password == pair.password)
        try await withTestApp(configuration: configuration) { client in
            try await client.execute(uri: "/data/lastinfo", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(
                uri: "/data/lastinfo", method: .get, headers: [.authorization: basic(pair.login, pair.password)]
            ) { #expect($0.status == .ok) }
        }
    }

    @Test func unprotectedServerNeedsNoCredentials() async throws {
        try await withTestApp { client in
            try await client.execute(uri: "/data/lastinfo", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func metricsAnswerLoopbackAlwaysAndOthersOnlyWithCredentials() async throws {
        let (configuration, pair) = try Self.protected()
        try await withTestApp(configuration: configuration) { client in
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(
                uri: "/metrics", method: .get, headers: [.authorization: basic(pair.login, pair.password)]
            ) { #expect($0.status == .ok) }
            try await TestPeer.$address.withValue(TestPeer.loopback) {
                try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .ok) }
            }
        }
        try await withTestApp { client in
            try await client.execute(uri: "/metrics", method: .get, headers: [.xForwardedFor: "127.0.0.1"]) {
                #expect($0.status == .forbidden)
            }
        }
    }
}
