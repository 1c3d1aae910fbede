import ChatHTTP
import ChatStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("GET /manifest.webmanifest and /sw.js — the installable app")
struct AppShellTests {
    static let worker = "const VERSION = '__CHATT_VERSION__';\nconst SHELL = __CHATT_SHELL__;\n"

    static func rootWithWorker() throws -> TestWebRoot {
        let root = try TestWebRoot()
        try Data(worker.utf8).write(to: URL(fileURLWithPath: root.path + "/sw.js"))
        return root
    }

    static func version(in script: String) throws -> String {
        let start = try #require(script.range(of: "const VERSION = '")).upperBound
        let end = try #require(script[start...].firstIndex(of: "'"))
        return String(script[start..<end])
    }

    static func shell(in script: String) throws -> [String] {
        let start = try #require(script.range(of: "const SHELL = ")).upperBound
        let end = try #require(script[start...].firstIndex(of: ";"))
        return try #require(try JSONSerialization.jsonObject(with: Data(script[start..<end].utf8)) as? [String])
    }

    @Test(arguments: ["/manifest.webmanifest", "/manifest.json"])
    func manifestHasWhatAnInstallNeeds(path: String) async throws {
        try await withTestApp(store: InMemoryMessageStore(), webRoot: try Self.rootWithWorker()) { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/manifest+json; charset=utf-8")
                #expect(response.headers[.cacheControl] == "no-cache")
                let manifest = try #require(try response.json() as? [String: Any])
                #expect(manifest["name"] as? String == "ChaTT")
                #expect(manifest["short_name"] as? String == "ChaTT")
                #expect(manifest["display"] as? String == "standalone")
                #expect(manifest["start_url"] as? String == "./")
                #expect(manifest["scope"] as? String == "./")
                #expect((manifest["theme_color"] as? String)?.hasPrefix("#") == true)
                #expect((manifest["background_color"] as? String)?.hasPrefix("#") == true)
                let icons = try #require(manifest["icons"] as? [[String: String]])
                #expect(icons.contains { $0["type"] == "image/png" && $0["sizes"] == "192x192" })
                #expect(icons.contains { $0["type"] == "image/png" && $0["sizes"] == "512x512" })
                #expect(icons.contains { $0["type"] == "image/svg+xml" && $0["sizes"] == "any" })
            }
        }
    }

    @Test func serviceWorkerIsServedWithItsVersionAndShell() async throws {
        try await withTestApp(store: InMemoryMessageStore(), webRoot: try Self.rootWithWorker()) { client in
            let first = try await client.execute(uri: "/sw.js", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(response.headers[.cacheControl] == "no-cache")
                #expect(response.headers[.contentSecurityPolicy] != nil)
                let script = response.text
                #expect(!script.contains("__CHATT_"))
                let version = try Self.version(in: script)
                #expect(version.count == 16 && version.allSatisfy(\.isHexDigit))
                let shell = try Self.shell(in: script)
                #expect(shell.first == "./")
                #expect(shell.contains("static/main.js") && shell.contains("static/style.css"))
                #expect(shell.contains("static/img/logo.png"))
                #expect(!shell.contains { $0.contains(".hidden") || $0.contains("data/") })
                return version
            }
            let again = try await client.execute(uri: "/sw.js", method: .get) { try Self.version(in: $0.text) }
            #expect(again == first)
        }
    }

    @Test func aChangedStaticFileGivesANewVersion() async throws {
        let root = try Self.rootWithWorker()
        try await withTestApp(store: InMemoryMessageStore(), webRoot: root) { client in
            let before = try await client.execute(uri: "/sw.js", method: .get) { try Self.version(in: $0.text) }
            try Data("body { color: darkblue; margin: 0; }\n".utf8)
                .write(to: URL(fileURLWithPath: root.path + "/static/style.css"))
            let after = try await client.execute(uri: "/sw.js", method: .get) { try Self.version(in: $0.text) }
            #expect(before != after)
        }
    }

    @Test func missingWorkerIs404() async throws {
        try await withTestApp { client in
            try await client.execute(uri: "/sw.js", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
