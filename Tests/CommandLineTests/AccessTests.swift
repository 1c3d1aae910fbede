import ChatTestSupport
import Foundation
import Testing

/// Nobody gets in: the control API answers loopback peers only, judged by the socket and
/// not by a header; protected history needs the credentials; the broker refuses wrong
/// ones.
@Suite("Access control, end to end")
struct AccessTests {
    /// Starts chatt-server on `bind` (a free port) with a new database; returns it and its port.
    static func startServer(bind: String, environment: [String: String] = [:]) async throws -> (ToolProcess, Int, URL) {
        let folder = try ServerCommandTests.temporaryFolder()
        let server = try ToolProcess(
            productsDirectory.appendingPathComponent("chatt-server").path,
            ["--bind", bind, "--port", "0", "--db", folder.appendingPathComponent("chatt.db").path],
            environment: ["PATH": "/usr/bin:/bin"].merging(environment) { $1 })
        do {
            try await waitUntil("chatt-server to listen", timeout: .seconds(60)) {
                guard server.isRunning else { throw ServerEnded(stderr: server.stderr) }
                return ServerCommandTests.listeningPort(in: server.stderr) != nil
            }
        } catch {
            server.kill()
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        return (server, ServerCommandTests.listeningPort(in: server.stderr) ?? 0, folder)
    }

    /// `curl` the URL and return the HTTP status (000 when it could not connect).
    static func status(_ url: String, method: String = "GET", headers: [String] = [], body: String? = nil,
                       in namespace: NetworkNamespace? = nil) async throws -> String {
        var arguments = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", "-X", method]
        for header in headers { arguments += ["-H", header] }
        if let body { arguments += ["-H", "Content-Type: application/json", "--data", body] }
        arguments.append(url)
        if let namespace { return try await namespace.run(arguments).stdout }
        return try await ToolProcess(arguments[0], Array(arguments.dropFirst())).wait().stdout
    }

    @Test("/cmd/* from a peer in another network namespace: 403, and X-Forwarded-For: 127.0.0.1 changes nothing",
          .enabled(if: NetworkNamespace.unavailableReason == nil,
                   Comment(rawValue: NetworkNamespace.unavailableReason ?? "")))
    func controlFromOutside() async throws {
        try await withNetworkNamespace { namespace in
            let (server, port, folder) = try await Self.startServer(bind: namespace.hostAddress)
            defer {
                server.kill()
                try? FileManager.default.removeItem(at: folder)
            }
            let base = "http://\(namespace.hostAddress):\(port)"
            // The namespace reaches the server at all (any HTTP answer: /healthz may say 503
            // when the loaded machine keeps the database past its 2 s budget), so the 403s
            // below are the guard's. The veth pair may take a moment to carry traffic.
            var reached = "000"
            try await waitUntil("\(namespace.namespaceAddress) to reach \(base)", timeout: .seconds(60), interval: .milliseconds(200)) {
                reached = try await Self.status("\(base)/healthz", in: namespace)
                return reached != "000"
            }
            #expect(["200", "503"].contains(reached), "/healthz from the namespace: \(reached)")
            let spoofs: [[String]] = [
                [], ["X-Forwarded-For: 127.0.0.1"], ["X-Real-IP: 127.0.0.1"], ["Forwarded: for=127.0.0.1"],
                ["X-Forwarded-For: 127.0.0.1", "Host: 127.0.0.1"],
            ]
            for headers in spoofs {
                for (path, body) in [("setChannels", #"["intruders"]"#), ("setAuthors", #"["mallory"]"#),
                                     ("setRoomMessages", #"{"room":"main","messages":[["mallory","pwned"]]}"#)] {
                    let code = try await Self.status("\(base)/cmd/\(path)", method: "POST", headers: headers, body: body, in: namespace)
                    #expect(code == "403", "/cmd/\(path) with \(headers) from \(namespace.namespaceAddress): \(code)")
                }
            }
            #expect(try await Self.status("\(base)/metrics", headers: ["X-Forwarded-For: 127.0.0.1"], in: namespace) == "403",
                    "metrics of an unprotected server answer loopback peers only")
            // Nothing changed.
            let lastInfo = try await namespace.run(["curl", "-s", "--max-time", "10", "\(base)/data/lastinfo"])
            #expect(!lastInfo.stdout.contains("intruders") && !lastInfo.stdout.contains("mallory"), "\(lastInfo.stdout)")
            #expect(lastInfo.stdout.contains("\"rooms\""), "\(lastInfo.stdout)")
        }
    }

    @Test("a protected server answers /data/* 401 without credentials and with wrong ones")
    func protectedHistory() async throws {
        let (server, port, folder) = try await Self.startServer(
            bind: "127.0.0.1", environment: ["CHATT_USER": "login", "CHATT_PASS": "secret"])
        defer {
            server.kill()
            try? FileManager.default.removeItem(at: folder)
        }
        let base = "http://127.0.0.1:\(port)"
        for path in ["/data/lastinfo", "/data/rooms/main/messages?limit=5", "/data/rooms/main/search?q=xy"] {
            #expect(try await Self.status(base + path) == "401", "\(path) without credentials")
            #expect(try await Self.status(base + path, headers: ["Authorization: Basic bG9naW46d3Jvbmc="]) == "401",
                    "\(path) with login:wrong")
            #expect(try await Self.status(base + path, headers: ["Authorization: Basic bG9naW46c2VjcmV0"]) == "200",
                    "\(path) with login:secret")
        }
    }

    @Test("the broker refuses wrong credentials, and memorize says \"not authorised\" and exits")
    func brokerRefusesWrongCredentials() async throws {
        try await withTestBroker(passwords: [("login", "secret")]) { broker in
            let folder = try ServerCommandTests.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let run = try await runProduct("chatt-memorize", [
                "--subscribe", "--broker", "mqtt://login:wrong@127.0.0.1:\(broker.port)",
                "--db", folder.appendingPathComponent("chatt.db").path, "--no-reverse-dns",
            ], timeout: .seconds(30))
            #expect(run.status != 0)
            #expect(run.stderr.contains("not authorised"), "\(run.stderr)")
            let anonymous = try await broker.run("mosquitto_pub", ["-t", "rooms/main/newtext", "-m", "{}"])
            #expect(anonymous.status != 0, "an anonymous client got in")
        }
    }
}
