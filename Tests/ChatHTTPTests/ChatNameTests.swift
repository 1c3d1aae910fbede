import ChatHTTP
import ChatStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The chat's name (`--name`, `CHATT_NAME`, `http.name`): in the manifest, so the installed
/// app is called by it, and in the page's `chatt-name` meta tag, so its title says it.
@Suite("The chat's name: configuration, manifest and page")
struct ChatNameTests {
    @Test func layersLikeEveryOtherSetting() throws {
        #expect(try loadConfiguration(nil).name == "ChaTT")
        #expect(try loadConfiguration("http:\n  name: Les copains\n").name == "Les copains")
        #expect(try loadConfiguration("http:\n  name: Les copains\n", environment: ["CHATT_NAME": "Famille"]).name == "Famille")
        #expect(try loadConfiguration("http:\n  name: Les copains\n", environment: ["CHATT_NAME": "Famille"],
                         flags: ConfigurationFlags(name: "Club")).name == "Club")
    }

    @Test(arguments: ["", "   ", String(repeating: "x", count: 41), "two\nlines"])
    func refusesANameNoScreenCanShow(name: String) throws {
        #expect(throws: ConfigurationError.self) { try loadConfiguration(nil, flags: ConfigurationFlags(name: name)) }
        #expect(throws: ConfigurationError.self) { try loadConfiguration("http:\n  name: \"\(name.replacingOccurrences(of: "\n", with: "\\n"))\"\n") }
    }

    @Test func manifestAndPageCarryTheConfiguredName() async throws {
        var configuration = ServerConfiguration()
        configuration.name = "Les \"copains\" <3"
        let root = try AppShellTests.rootWithWorker()
        try await withTestApp(configuration: configuration, store: InMemoryMessageStore(), webRoot: root) { client in
            try await client.execute(uri: "/manifest.webmanifest", method: .get) { response in
                let manifest = try #require(try response.json() as? [String: Any])
                #expect(manifest["name"] as? String == "Les \"copains\" <3")
                #expect(manifest["short_name"] as? String == "Les \"copains\" <3")
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.text.contains("<meta name=\"chatt-name\" content=\"Les &quot;copains&quot; &lt;3\">"))
            }
        }
    }
}
