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
    func load(_ yaml: String?, environment: [String: String] = [:], flags: ConfigurationFlags = ConfigurationFlags())
        throws -> ServerConfiguration
    {
        guard let yaml else { return try ServerConfiguration.load(file: nil, environment: environment, flags: flags) }
        let file = try TemporaryFile(contents: yaml)
        defer { file.remove() }
        return try ServerConfiguration.load(file: file.path, environment: environment, flags: flags)
    }

    @Test func layersLikeEveryOtherSetting() throws {
        #expect(try load(nil).name == "ChaTT")
        #expect(try load("http:\n  name: Les copains\n").name == "Les copains")
        #expect(try load("http:\n  name: Les copains\n", environment: ["CHATT_NAME": "Famille"]).name == "Famille")
        #expect(try load("http:\n  name: Les copains\n", environment: ["CHATT_NAME": "Famille"],
                         flags: ConfigurationFlags(name: "Club")).name == "Club")
    }

    @Test(arguments: ["", "   ", String(repeating: "x", count: 41), "two\nlines"])
    func refusesANameNoScreenCanShow(name: String) throws {
        #expect(throws: ConfigurationError.self) { try load(nil, flags: ConfigurationFlags(name: name)) }
        #expect(throws: ConfigurationError.self) { try load("http:\n  name: \"\(name.replacingOccurrences(of: "\n", with: "\\n"))\"\n") }
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
