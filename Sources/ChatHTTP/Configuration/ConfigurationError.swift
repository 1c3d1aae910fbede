/// Why the configuration could not be loaded, in one line a person can act on:
/// `config key `http.port`: expected a number, got "80a"`.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message.
    public let description: String

    init(_ description: String) {
        self.description = description
    }

    static func key(_ key: String, expected: String, got value: String) -> Self {
        Self("config key `\(key)`: expected \(expected), got \(quoted(value))")
    }

    static func key(_ key: String, expected: String, gotKind kind: String) -> Self {
        Self("config key `\(key)`: expected \(expected), got \(kind)")
    }

    static func unknownKey(_ key: String, known: [String]) -> Self {
        Self("config key `\(key)`: unknown key (known here: \(known.joined(separator: ", ")))")
    }

    static func environment(_ name: String, expected: String, got value: String) -> Self {
        Self("environment variable \(name): expected \(expected), got \(quoted(value))")
    }

    static func quoted(_ value: String) -> String {
        var result = "\""
        for character in value.prefix(80) {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result + (value.count > 80 ? "…\"" : "\"")
    }
}
