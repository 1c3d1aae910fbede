/// The name an upload is given (`POST /data/files?name=…`): shown in the URL and as the
/// download's file name, so it must be one plain file name.
///
/// Refused: empty, longer than 255 UTF-8 bytes, `/` or `\` (a path), `.` or `..` or any
/// `..` inside (a path's way up), control characters (a header or a log line broken in two).
public struct UploadName: Sendable, Hashable, CustomStringConvertible {
    /// The name as given.
    public let value: String

    /// The longest name, in UTF-8 bytes (what file systems take).
    public static let maximumBytes = 255

    /// Checks `value`.
    ///
    /// - Throws: ``UploadNameError`` saying what is wrong with it.
    public init(_ value: String) throws(UploadNameError) {
        if value.isEmpty { throw UploadNameError("the file name is empty: give it as ?name=<file name>") }
        if value.utf8.count > Self.maximumBytes {
            throw UploadNameError("the file name is \(value.utf8.count) bytes long, at most \(Self.maximumBytes)")
        }
        if value.contains("/") || value.contains("\\") {
            throw UploadNameError("the file name holds a / or \\: give the file's name without its folder")
        }
        if value.contains("..") || value == "." {
            throw UploadNameError("the file name holds '..': give a plain file name")
        }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .lineSeparator || $0.properties.generalCategory == .paragraphSeparator }) {
            throw UploadNameError("the file name holds a control character")
        }
        self.value = value
    }

    /// The name percent-encoded for a URL path segment: everything but the unreserved
    /// characters of RFC 3986 (so a message's `:img:(…)` never holds a space or a parenthesis).
    public var pathSegment: String { Self.percentEncoded(value) }

    /// The `Content-Disposition` value that makes a browser download the file under this
    /// name (RFC 6266: an ASCII fallback and the exact name as `filename*`).
    public var attachmentDisposition: String {
        let fallback = String(value.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && scalar.value >= 0x20 && scalar != "\"" && scalar != "%" ? Character(scalar) : "_"
        })
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(Self.percentEncoded(value))"
    }

    public var description: String { value }

    static func percentEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }
}

/// Why an upload's name is refused.
public struct UploadNameError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
