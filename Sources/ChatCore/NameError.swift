/// Why a room name or a nickname was refused.
public enum NameError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which kind of name was checked.
    public enum Kind: String, Sendable, Hashable {
        case room = "room name"
        case nickname = "nickname"
    }

    /// The name is empty.
    case empty(kind: Kind)
    /// The name is longer than the limit.
    case tooLong(kind: Kind, length: Int, limit: Int)
    /// The name holds a character the rule forbids.
    case forbiddenCharacter(kind: Kind, Unicode.Scalar)

    public var description: String {
        switch self {
        case .empty(let kind):
            return "the \(kind.rawValue) is empty"
        case .tooLong(let kind, let length, let limit):
            return "the \(kind.rawValue) is too long: \(length) characters, at most \(limit)"
        case .forbiddenCharacter(let kind, let scalar):
            let code = "U+" + String(scalar.value, radix: 16, uppercase: true)
            let rule = kind == .room
                ? "only ASCII letters, digits and '-' are allowed"
                : "'/', '+', '#' and control characters are not allowed"
            return "the \(kind.rawValue) contains \(code): \(rule)"
        }
    }
}
