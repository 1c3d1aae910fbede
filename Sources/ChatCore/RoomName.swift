/// The name of a chat room: ASCII letters, digits and `-`, at most ``maximumLength`` characters.
///
/// Room names appear as a topic level (`rooms/<room>/newtext`), so the rule keeps MQTT's
/// special characters and anything a page could misread out of them.
public struct RoomName: ValidatedName {
    /// The room every deployment has.
    public static let main = RoomName(unchecked: "main")
    /// The longest room name accepted.
    public static let maximumLength = 64

    /// The validated name.
    public let rawValue: String

    /// Validates `rawValue` against the room-name rule.
    public init(_ rawValue: String) throws(NameError) {
        guard !rawValue.isEmpty else { throw .empty(kind: .room) }
        guard rawValue.utf8.count <= Self.maximumLength else {
            throw .tooLong(kind: .room, length: rawValue.utf8.count, limit: Self.maximumLength)
        }
        for scalar in rawValue.unicodeScalars where !Self.isAllowed(scalar) {
            throw .forbiddenCharacter(kind: .room, scalar)
        }
        self.rawValue = rawValue
    }

    private init(unchecked rawValue: String) {
        self.rawValue = rawValue
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-": true
        default: false
        }
    }
}
