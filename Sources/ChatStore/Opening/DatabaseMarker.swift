import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file beside an SQLite database (`<database>.id`) that remembers that a database was
/// there, and which one: its identity, a random id the database holds in its
/// `database_identity` table since it was made.
///
/// Without it, a database deleted (or lost with its folder's contents) is silently made
/// again, empty, at the next start. With it, a missing database is an error unless the
/// operator asks for a new one (`--create`), and a database that is not the one recorded
/// (another chat's, an old copy) is told apart.
public struct DatabaseMarker: Sendable, Hashable {
    /// The marker's path.
    public let path: String
    /// The database it speaks of.
    public let databasePath: String

    /// The marker of the database at `databasePath`.
    public init(databasePath: String) {
        self.databasePath = databasePath
        path = databasePath + ".id"
    }

    /// The identity recorded, or `nil` when there is no marker.
    ///
    /// - Throws: an error naming the file when it exists but cannot be read or holds no id.
    public func recordedIdentity() throws(StoreError) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw StoreError(path: databasePath, operation: "check", reason: "cannot read \(path), which records its identity: \(error)")
        }
        for line in text.split(separator: "\n") where line.hasPrefix("id=") {
            let identity = line.dropFirst(3).trimmingCharacters(in: .whitespaces)
            if !identity.isEmpty { return identity }
        }
        throw StoreError(path: databasePath, operation: "check", reason: "\(path) holds no id= line; it records "
                + "which database was here: remove it only if the database beside it is the right one")
    }

    /// Records `identity`, replacing the file in one step (written beside, then renamed).
    public func record(_ identity: String) throws(StoreError) {
        let name = databasePath.split(separator: "/").last.map(String.init) ?? databasePath
        let text = """
            # ChaTT: the database \(name) beside this file is the one with this identity.
            # While this file exists, chatt-memorize and chatt-server refuse to start when \(name)
            # is missing or is another database, instead of silently starting an empty history;
            # --create makes them accept a new one. Do not copy this file along with another database.
            id=\(identity)

            """
        let temporary = path + ".tmp-\(UUID().uuidString.prefix(8))"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, path) == 0 else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw StoreError(path: databasePath, operation: "record the identity of", reason: "cannot write \(path): \(error)")
        }
    }
}
