internal import _NIOFileSystem
internal import Crypto
internal import NIOCore
#if canImport(FoundationEssentials)
internal import FoundationEssentials
#endif
internal import Foundation

/// The uploaded files: one directory, each file named by the SHA-256 of its content (64
/// lowercase hex digits), so the same content is stored once whoever sends it, and several
/// servers pointed at one shared directory agree on every name.
///
/// An upload streams to a temporary file in the same directory (`.upload-<random>`) while
/// it is hashed, and is renamed to its hash once complete and checked: a reader never sees
/// half a file, and a refused upload leaves nothing behind.
struct FileDirectory: Sendable {
    /// The directory.
    let path: String

    /// How much of a file's beginning ``store(_:limit:check:)`` keeps for the magic bytes
    /// and the picture's size (a JPEG's EXIF block, before its frame header, may take 64 KiB).
    static let headerBytes = 256 * 1024

    /// What ``store(_:limit:check:)`` stored.
    struct Stored: Sendable {
        var sha256: String
        var size: Int64
        var header: [UInt8]
        /// `false` when the same content was there already.
        var isNew: Bool
    }

    /// The path of the file whose hash is `sha256`, or `nil` when `sha256` is not 64
    /// lowercase hex digits (nothing else can name a file here).
    func file(named sha256: Substring) -> String? {
        guard Self.isHash(sha256) else { return nil }
        return "\(path)/\(sha256)"
    }

    /// Whether `text` is a file's name here: 64 lowercase hex digits.
    static func isHash(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Streams `body` into the directory.
    ///
    /// - Parameters:
    ///   - limit: the most bytes accepted; past it the upload stops with
    ///     ``UploadError/tooLarge(limit:)``.
    ///   - check: called with the file's beginning once all of it has come; what it throws
    ///     refuses the file.
    /// - Throws: ``UploadError`` (empty, too large, or what `check` throws), or an I/O error;
    ///   in every case nothing is left in the directory.
    func store<Body: AsyncSequence>(
        _ body: Body, limit: Int, check: ([UInt8]) throws -> Void
    ) async throws -> Stored where Body.Element == ByteBuffer {
        let fileSystem = FileSystem.shared
        try await fileSystem.createDirectory(at: FilePath(path), withIntermediateDirectories: true)
        let temporary = "\(path)/.upload-\(UInt64.random(in: 0...UInt64.max))"
        var hasher = SHA256()
        var size: Int64 = 0
        var header: [UInt8] = []
        do {
            try await fileSystem.withFileHandle(
                forWritingAt: FilePath(temporary), options: .newFile(replaceExisting: false)
            ) { handle in
                try await handle.withBufferedWriter { writer in
                    for try await buffer in body {
                        size += Int64(buffer.readableBytes)
                        guard size <= Int64(limit) else { throw UploadError.tooLarge(limit: limit) }
                        hasher.update(data: buffer.readableBytesView)
                        if header.count < Self.headerBytes {
                            header += buffer.readableBytesView.prefix(Self.headerBytes - header.count)
                        }
                        _ = try await writer.write(contentsOf: buffer)
                    }
                }
            }
            guard size > 0 else { throw UploadError.empty }
            try check(header)
        } catch {
            _ = try? await fileSystem.removeItem(at: FilePath(temporary), strategy: .platformDefault)
            throw error
        }
        let sha256 = hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
        let destination = "\(path)/\(sha256)"
        // The same content stored before: keep that one (its time is the first upload's,
        // which retention counts from).
        if try await fileSystem.info(forFileAt: FilePath(destination), infoAboutSymbolicLink: false) != nil {
            _ = try? await fileSystem.removeItem(at: FilePath(temporary), strategy: .platformDefault)
            return Stored(sha256: sha256, size: size, header: header, isNew: false)
        }
        // rename(2): atomic; a second upload of the same content at the same moment
        // replaces it with the same bytes.
        guard rename(temporary, destination) == 0 else {
            let code = errno
            _ = try? await fileSystem.removeItem(at: FilePath(temporary), strategy: .platformDefault)
            throw FileDirectoryError("cannot store the upload as \(destination): \(String(cString: strerror(code)))")
        }
        return Stored(sha256: sha256, size: size, header: header, isNew: true)
    }
}

/// A file of the upload directory could not be written: what, and the system's reason.
struct FileDirectoryError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
