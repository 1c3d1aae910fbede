#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The device and inode a path resolves to: what tells "the same file" from "a file of the
/// same name" (one deleted and made again, or moved in over it).
public struct FileIdentity: Sendable, Hashable, CustomStringConvertible {
    /// The device number.
    public let device: UInt64
    /// The inode number.
    public let inode: UInt64

    /// What `path` resolves to now.
    ///
    /// - Throws: ``FileIdentityError`` when it resolves to nothing (deleted, or its folder
    ///   gone) or cannot be read.
    public static func of(_ path: String) throws(FileIdentityError) -> FileIdentity {
        var information = stat()
        guard stat(path, &information) == 0 else {
            let code = errno
            throw FileIdentityError(path: path, code: code)
        }
        return FileIdentity(device: UInt64(information.st_dev), inode: UInt64(information.st_ino))
    }

    public var description: String { "device \(device), inode \(inode)" }
}

/// A path that could not be resolved.
public struct FileIdentityError: Error, Sendable, CustomStringConvertible {
    /// The path.
    public let path: String
    /// `errno`.
    public let code: Int32

    /// Whether the path names nothing (`ENOENT`, `ENOTDIR`).
    public var isMissing: Bool { code == ENOENT || code == ENOTDIR }

    public var description: String { "\(path): \(String(cString: strerror(code)))" }
}
