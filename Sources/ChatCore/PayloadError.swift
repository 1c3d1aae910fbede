/// Why an MQTT payload was refused.
public enum PayloadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The payload is not valid UTF-8.
    case notUTF8
    /// The payload is not JSON, or not a JSON object.
    case notJSON(reason: String)
    /// A required field is missing.
    case missingField(String)
    /// A field has the wrong JSON type.
    case wrongType(field: String, expected: String, found: String?)
    /// A field has the right type but a value the rules refuse.
    case invalidField(field: String, reason: String)
    /// The payload is larger than the configured limit.
    case tooLarge(bytes: Int, limit: Int)
    /// A payload that must be empty (or `{}`) is not.
    case unexpectedContent

    public var description: String {
        switch self {
        case .notUTF8:
            "the payload is not valid UTF-8"
        case .notJSON(let reason):
            "the payload is not a JSON object: \(reason)"
        case .missingField(let field):
            "the field \"\(field)\" is missing"
        case .wrongType(let field, let expected, let found):
            "the field \"\(field)\" must be \(expected)" + (found.map { ", not \($0)" } ?? "")
        case .invalidField(let field, let reason):
            "the field \"\(field)\" is invalid: \(reason)"
        case .tooLarge(let bytes, let limit):
            "the payload is too large: \(bytes) bytes, at most \(limit)"
        case .unexpectedContent:
            "the payload must be empty or {}"
        }
    }
}
