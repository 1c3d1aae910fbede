/// A user's nickname: not empty, at most ``maximumLength`` characters, and none of `/`,
/// `+`, `#` or control characters (they would break the `users/<nick>/…` topics).
public struct Nickname: ValidatedName {
    /// The user that greets newcomers; it is always online.
    public static let bot = Nickname(unchecked: "bot")
    /// The longest nickname accepted, in Unicode scalars.
    public static let maximumLength = 32

    /// The validated nickname.
    public let rawValue: String

    /// Validates `rawValue` against the nickname rule.
    public init(_ rawValue: String) throws(NameError) {
        guard !rawValue.isEmpty else { throw .empty(kind: .nickname) }
        var count = 0
        for scalar in rawValue.unicodeScalars {
            if Self.isForbidden(scalar) { throw .forbiddenCharacter(kind: .nickname, scalar) }
            count += 1
        }
        guard count <= Self.maximumLength else {
            throw .tooLong(kind: .nickname, length: count, limit: Self.maximumLength)
        }
        self.rawValue = rawValue
    }

    private init(unchecked rawValue: String) {
        self.rawValue = rawValue
    }

    private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "/", "+", "#": return true
        default:
            // Cc (C0, DEL, C1) plus the line and paragraph separators, which act as line breaks.
            return scalar.properties.generalCategory == .control
                || scalar == "\u{2028}" || scalar == "\u{2029}"
        }
    }
}
