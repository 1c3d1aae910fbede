import Foundation

/// Where the history lives when `--db` is not given; the same for both daemons:
/// `$DATA_DIR/chatt.db` when `DATA_DIR` is set (as `run.sh` does), else
/// `$XDG_DATA_HOME/chatt/chatt.db`, else `~/.local/share/chatt/chatt.db`.
public enum DefaultDatabasePath {
    /// The default path for `environment`.
    public static func path(environment: [String: String]) -> String {
        if let dataDirectory = environment["DATA_DIR"], !dataDirectory.isEmpty {
            return dataDirectory + "/chatt.db"
        }
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            return xdg + "/chatt/chatt.db"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/share/chatt/chatt.db"
    }

    /// The default path for this process's environment.
    public static var current: String { path(environment: ProcessInfo.processInfo.environment) }

    /// Creates the directory that will hold `path`, if missing.
    public static func createDirectory(for path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }
}
