/// The picture formats a browser shows inline that ChaTT serves as images: recognised by
/// their magic bytes, never by a name or a `Content-Type` (which the uploader chooses).
///
/// Everything else (SVG and HTML above all, which can carry script) is served as a
/// download.
public enum ImageFormat: String, Sendable, Hashable, CaseIterable {
    case png, jpeg, gif, webp

    /// The media type the format is served with (`image/png`, …).
    public var mediaType: String { "image/\(rawValue)" }

    /// The format whose media type is `mediaType` (parameters and case ignored; `image/jpg`
    /// and `image/pjpeg` mean JPEG), or `nil` for any other type.
    public init?(mediaType: String) {
        let bare = mediaType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? mediaType
        switch bare.trimmingSpaces.lowercased() {
        case "image/png", "image/apng": self = .png
        case "image/jpeg", "image/jpg", "image/pjpeg": self = .jpeg
        case "image/gif": self = .gif
        case "image/webp": self = .webp
        default: return nil
        }
    }

    /// The format a file name's extension claims (`.png`, `.jpg`/`.jpeg`/`.jfif`, `.gif`,
    /// `.webp`, any case), or `nil`.
    public init?(fileName: String) {
        guard let dot = fileName.lastIndex(of: ".") else { return nil }
        switch fileName[fileName.index(after: dot)...].lowercased() {
        case "png", "apng": self = .png
        case "jpg", "jpeg", "jpe", "jfif", "pjpeg": self = .jpeg
        case "gif": self = .gif
        case "webp": self = .webp
        default: return nil
        }
    }

    /// The format the first bytes of a file show, or `nil`.
    public init?(magic bytes: some Collection<UInt8>) {
        let head = Array(bytes.prefix(12))
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else if head.starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if head.starts(with: Array("GIF87a".utf8)) || head.starts(with: Array("GIF89a".utf8)) {
            self = .gif
        } else if head.count >= 12, head.starts(with: Array("RIFF".utf8)), Array(head[8..<12]) == Array("WEBP".utf8) {
            self = .webp
        } else {
            return nil
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        let start = firstIndex { $0 != " " && $0 != "\t" } ?? endIndex
        let end = lastIndex { $0 != " " && $0 != "\t" }.map { index(after: $0) } ?? start
        return self[start..<max(start, end)]
    }
}
