import ChatCore
@testable import ChatHTTP
import Foundation
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
                    // No Basic challenge: a browser would open its own dialog over the original page
                    // (which fetches lastinfo without credentials) and hang it (issue 23).
                    #expect(response.headers[values: .wwwAuthenticate].allSatisfy { !$0.lowercased().contains("basic") })
                    #expect(response.headers[.wwwAuthenticate] == nil)
                    #expect(response.text.contains("Authorization: Basic"))
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
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == nil)
            }
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

    /// Issue 14 item 9: 401s were not throttled (15,300 guesses/s).
    @Test func wrongCredentialsAreThrottledPerAddress() async throws {
        let (configuration, pair) = try Self.protected()
        try await withTestApp(configuration: configuration) { client in
            for attempt in 1...10 {
                try await client.execute(
                    uri: "/data/lastinfo", method: .get, headers: [.authorization: basic(pair.login, "guess\(attempt)")]
                ) { #expect($0.status == .unauthorized, "attempt \(attempt)") }
            }
            // Now even the right pair is not checked from this address until the window ends.
            for path in ["/data/lastinfo", "/metrics"] {
                try await client.execute(
                    uri: path, method: .get, headers: [.authorization: basic(pair.login, pair.password)]
                ) { response in
                    #expect(response.status == .tooManyRequests, "\(path)")
                    let retry = try #require(response.headers[.retryAfter].flatMap { Int($0) })
                    #expect(retry >= 1 && retry <= 60)
                    #expect(response.text.contains("try again"))
                }
            }
            // Requests without credentials are not guesses: still the plain 401.
            try await client.execute(uri: "/data/lastinfo", method: .get) { #expect($0.status == .unauthorized) }
            // Another address is not affected.
            try await TestPeer.$address.withValue(PeerAddress(parsing: "198.51.100.20")) {
                try await client.execute(
                    uri: "/data/lastinfo", method: .get, headers: [.authorization: basic(pair.login, pair.password)]
                ) { #expect($0.status == .ok) }
            }
        }
    }

    @Test func theLimiterForgetsAfterItsWindowAndOnSuccess() {
        let limiter = AuthFailureLimiter(maximumFailures: 3, window: .seconds(60), maximumAddresses: 2)
        let start = ContinuousClock.now
        for _ in 0..<3 { limiter.recordFailure("a", now: start) }
        #expect(limiter.retryAfter("a", now: start + .seconds(1)) == .seconds(59))
        #expect(limiter.retryAfter("a", now: start + .seconds(60)) == nil)
        limiter.recordFailure("b", now: start)
        limiter.recordSuccess("b")
        for _ in 0..<3 { limiter.recordFailure("b", now: start) }
        #expect(limiter.retryAfter("b", now: start) != nil)
        // The table is bounded: a third address pushes the oldest out.
        limiter.recordFailure("c", now: start + .seconds(2))
        limiter.recordFailure("d", now: start + .seconds(3))
        #expect(limiter.retryAfter("b", now: start + .seconds(3)) == nil)
    }

    @Test func theLoginAndPasswordNeverShowWhenPrinted() throws {
        let (configuration, pair) = try Self.protected()
        let credentials = try #require(configuration.credentials)
        for text in ["\(configuration)", String(describing: credentials), String(reflecting: configuration),
                     "\(configuration.loggingMetadata)"] {
            #expect(!text.contains(pair.password))
            #expect(!text.contains(pair.login))
            #expect(text.contains(String(pair.login.prefix(2)) + "…"))
        }
    }
}
