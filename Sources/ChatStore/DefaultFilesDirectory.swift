import Foundation

/// Where uploaded files live when `--files-dir` is not given; the same for both daemons
/// (chatt-server writes there, chatt-memorize's retention removes from there): `files`
/// beside the SQLite file (`$DATA_DIR/files` for `run.sh`), and with PostgreSQL `files`
/// in the directory that would hold the default SQLite file (`$DATA_DIR/files`, else under
/// `$XDG_DATA_HOME` or `~/.local/share`).
public enum DefaultFilesDirectory {
    /// The default for the history at `databasePath` (a file path or a `postgres://` URL).
    public static func path(databasePath: String, environment: [String: String]) -> String {
        let lowered = databasePath.lowercased()
        let database = lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
            ? DefaultDatabasePath.path(environment: environment)
            : databasePath
        let directory = URL(fileURLWithPath: database).deletingLastPathComponent().path
        return directory == "/" ? "/files" : directory + "/files"
    }

    /// The default for the history at `location`.
    public static func path(for location: StoreLocation, environment: [String: String]) -> String {
        switch location {
        case .sqlite(let file): Self.path(databasePath: file, environment: environment)
        case .postgres: Self.path(databasePath: "postgres://", environment: environment)
        }
    }
}
