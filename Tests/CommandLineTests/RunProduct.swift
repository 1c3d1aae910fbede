import ChatTestSupport
import Foundation

/// The result of running one of the package's executables.
typealias ProductRun = ToolResult

/// Where `swift build` put the package's executables: beside the test bundle.
let productsDirectory: URL = {
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var directory = testBinary.deletingLastPathComponent()
    // On Linux the runner is `<products>/ChaTTPackageTests.xctest`; on macOS it sits
    // inside the bundle's Contents/MacOS.
    while directory.path != "/" && !FileManager.default.fileExists(atPath: directory.appendingPathComponent("chatt-genpass").path) {
        directory = directory.deletingLastPathComponent()
    }
    return directory
}()

/// Runs an executable of the package with `arguments`, feeding `input` on stdin, and
/// waits for it (at most `timeout`).
func runProduct(
    _ name: String, _ arguments: [String], input: String? = nil, environment: [String: String]? = nil,
    timeout: Duration = .seconds(60)
) async throws -> ProductRun {
    try await runProduct(name, arguments, inputBytes: Array((input ?? "").utf8), environment: environment, timeout: timeout)
}

/// Runs an executable of the package with `arguments`, feeding raw bytes on stdin.
func runProduct(
    _ name: String, _ arguments: [String], inputBytes: [UInt8], environment: [String: String]? = nil,
    timeout: Duration = .seconds(60)
) async throws -> ProductRun {
    let tool = try ToolProcess(productsDirectory.appendingPathComponent(name).path, arguments,
                               inputBytes: inputBytes, environment: environment)
    return try await tool.wait(timeout: timeout)
}

extension ToolProcess {
    /// Whether a `chatt-memorize --subscribe` has logged that the broker granted its
    /// subscriptions. (The bare word would also match ChatMQTT's earlier
    /// `resubscribed=0` on connection, before the SUBACK: a test that published then
    /// could lose its message.)
    var memorizeHasSubscribed: Bool { stderr.contains("[ChatMemorize] subscribed") }
}

/// A new empty folder in the temporary folder, named `prefix-<UUID>`; the caller removes it.
func temporaryDirectory(_ prefix: String) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}
