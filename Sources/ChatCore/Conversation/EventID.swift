/// The id a v2 event carries (SPEC.md, protocol v2): 8 to 64 characters of
/// `[A-Za-z0-9_-]`, made by the sender, unique, so an event delivered twice is applied once.
/// A message's id as a ``EditPayload/target`` or ``NewTextPayload/replyTo`` follows the
/// same rule.
public struct EventID: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// Checks `rawValue` against the rule; `nil` when it breaks it.
    public init?(rawValue: String) {
        guard Self.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// Checks `text`, naming `field` in the error.
    public init(_ text: String, field: String = "id") throws(PayloadError) {
        guard Self.isValid(text) else {
            throw .invalidField(field: field, reason: "must be 8 to 64 characters of A-Z, a-z, 0-9, _ and -")
        }
        rawValue = text
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard Self.isValid(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an event id"))
        }
        rawValue = text
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    private static func isValid(_ text: String) -> Bool {
        let bytes = text.utf8
        guard (8...64).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }
}
