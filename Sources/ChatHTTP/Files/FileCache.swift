internal import NIOCore
internal import NIOPosix
internal import Synchronization
#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A file of the web root as last read: its bytes, its validators and (once asked for) its
/// gzip form.
struct CachedFile: Sendable {
    var bytes: ByteBuffer
    /// Seconds since 1970 of the last modification.
    var modified: Int
    /// Identifies this version of the file: size and modification time (to the nanosecond).
    var eTag: String
    var gzipped: ByteBuffer??
    fileprivate var identity: FileIdentity
}

/// What tells whether a file changed: device, inode, size and modification time.
struct FileIdentity: Sendable, Hashable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var seconds: Int
    var nanoseconds: Int
}

/// Keeps the web root's files in memory, re-reading a file when its size or modification
/// time changes. All disk access runs on NIO's thread pool, never on the event loop.
final class FileCache: Sendable {
    /// Files larger than this are read on every request instead of kept.
    static let largestCachedFile = 2 * 1024 * 1024

    private let files = Mutex<[String: CachedFile]>([:])

    /// The file at `path` (absolute), or `nil` when there is no regular file there.
    ///
    /// With `base` (a folder `path` lies in), `nil` as well when any component of `path`
    /// below `base` is a symbolic link: a link under `web/static` to `/` served
    /// `/proc/self/environ`.
    func file(at path: String, refusingLinksBelow base: String? = nil) async throws -> CachedFile? {
        let cached = files.withLock { $0[path] }
        let loaded: CachedFile? = try await NIOThreadPool.singleton.runIfActive {
            if let base, !Self.hasNoLinks(path, below: base) { return nil }
            guard let identity = Self.identity(of: path) else { return nil }
            if let cached, cached.identity == identity { return cached }
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            let eTag = "\"\(String(identity.size, radix: 16))-\(String(identity.seconds, radix: 16))."
                + "\(String(identity.nanoseconds, radix: 16))\""
            return CachedFile(bytes: ByteBuffer(bytes: data), modified: identity.seconds, eTag: eTag,
                              gzipped: nil, identity: identity)
        }
        files.withLock { files in
            if let loaded, loaded.bytes.readableBytes <= Self.largestCachedFile {
                files[path] = loaded
            } else {
                files[path] = nil
            }
        }
        return loaded
    }

    /// The gzip form of `file`, computed once per version of the file; `nil` when gzip does not
    /// make it smaller.
    func gzipped(_ file: CachedFile, at path: String) -> ByteBuffer? {
        if let known = file.gzipped { return known }
        var compressed = Gzip.compress(file.bytes)
        if let result = compressed, result.readableBytes >= file.bytes.readableBytes { compressed = nil }
        files.withLock { files in
            if files[path]?.identity == file.identity { files[path]?.gzipped = .some(compressed) }
        }
        return compressed
    }

    /// Whether no component of `path` after the prefix `base` is a symbolic link (`lstat`).
    static func hasNoLinks(_ path: String, below base: String) -> Bool {
        let prefix = base.hasSuffix("/") ? base : base + "/"
        guard path.hasPrefix(prefix) else { return false }
        var current = String(prefix.dropLast())
        for component in path.dropFirst(prefix.count).split(separator: "/") {
            current += "/" + component
            var info = stat()
            guard lstat(current, &info) == 0, (info.st_mode & S_IFMT) != S_IFLNK else { return false }
        }
        return true
    }

    private static func identity(of path: String) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        #if canImport(Darwin)
        let time = info.st_mtimespec
        #else
        let time = info.st_mtim
        #endif
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
                            seconds: Int(time.tv_sec), nanoseconds: Int(time.tv_nsec))
    }
}
