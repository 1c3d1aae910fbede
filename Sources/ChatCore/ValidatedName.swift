/// A name that a validating initialiser checked: ``RoomName`` and ``Nickname``.
///
/// Gives both the same description (the name itself), order (by the raw string) and
/// Codable form (a plain JSON string, validated again when decoded).
public protocol ValidatedName: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The validated name.
    var rawValue: String { get }
    /// Validates `rawValue` against the rule of the name.
    init(_ rawValue: String) throws(NameError)
}

extension ValidatedName {
    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        do {
            try self.init(raw)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
