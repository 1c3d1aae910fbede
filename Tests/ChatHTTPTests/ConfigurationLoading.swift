import ChatHTTP
import Foundation

/// A file in the temporary folder, removed by `remove()`.
struct TemporaryFile {
    let path: String

    init(contents: String, name: String = "chatt.yaml") throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent(name).path
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }
}

/// The server's configuration from `yaml` as a configuration file's text (`nil`: no file),
/// the environment and the flags, as `chatt-server` loads it.
func loadConfiguration(_ yaml: String?, environment: [String: String] = [:], flags: ConfigurationFlags = ConfigurationFlags())
    throws -> ServerConfiguration
{
    guard let yaml else { return try ServerConfiguration.load(file: nil, environment: environment, flags: flags) }
    let file = try TemporaryFile(contents: yaml)
    defer { file.remove() }
    return try ServerConfiguration.load(file: file.path, environment: environment, flags: flags)
}
