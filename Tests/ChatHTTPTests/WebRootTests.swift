import ChatHTTP
import Foundation
import Testing

@Suite("Finding web/ without --web-root")
struct WebRootTests {
    @Test func candidatesAreTheCurrentDirectoryThenBesideTheBuiltPackage() {
        let candidates = WebRoot.candidates(
            currentDirectory: "/home/me", executable: "/src/chatt/.build/x86_64-unknown-linux-gnu/release/chatt-server")
        #expect(candidates == [
            "/home/me/web",
            "/src/chatt/web",
            "/src/chatt/.build/x86_64-unknown-linux-gnu/share/chatt/web",
        ])
    }

    @Test func theFirstFolderWithAnIndexWins() throws {
        let root = try TestWebRoot()
        defer { root.remove() }
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-webroot-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let web = parent + "/web"
        try FileManager.default.createSymbolicLink(atPath: web, withDestinationPath: root.path)
        #expect(WebRoot.locate(currentDirectory: "/nonexistent", executable: parent + "/a/b/c/chatt-server") == web)
        #expect(WebRoot.locate(currentDirectory: "/nonexistent", executable: "/nowhere/x/y/z") == "/nonexistent/web")
    }
}
