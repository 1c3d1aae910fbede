extension Topic {
    /// Parses a topic string as received from the broker.
    ///
    /// - Throws: ``TopicError`` for a topic outside ChaTT's four, or one whose room or
    ///   nickname breaks the naming rules.
    public init(parsing topic: String) throws(TopicError) {
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
        guard levels.count == 3 else { throw .unknown(topic: topic) }
        let name = String(levels[1])
        let event = levels[2]
        switch levels[0] {
        case "rooms":
            let room: RoomName
            do { room = try RoomName(name) } catch { throw .invalidName(topic: topic, error) }
            switch event {
            case "newtext": self = .roomText(room)
            case "new": self = .roomCreated(room)
            case "edit": self = .roomEdit(room)
            case "delete": self = .roomDelete(room)
            case "react": self = .roomReact(room)
            case "typing": self = .roomTyping(room)
            case "topic": self = .roomTopic(room)
            case "archive": self = .roomArchive(room)
            default: throw .unknownRoomEvent(room: room, event: String(event))
            }
        case "users":
            let nick: Nickname
            do { nick = try Nickname(name) } catch { throw .invalidName(topic: topic, error) }
            switch event {
            case "hello": self = .hello(nick)
            case "logout": self = .logout(nick)
            case "presence": self = .presence(nick)
            case "key": self = .key(nick)
            default: throw .unknown(topic: topic)
            }
        case "direct":
            do {
                self = .direct(try Nickname(name), try Nickname(String(event)))
            } catch {
                throw .invalidName(topic: topic, error)
            }
        default:
            throw .unknown(topic: topic)
        }
    }
}

/// Why a topic string is not one of ChaTT's topics.
public enum TopicError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not a topic ChaTT knows.
    case unknown(topic: String)
    /// `rooms/<room>/<event>` with a valid room but an event ChaTT does not know. It does
    /// not make the room known: only `newtext` and `new` do.
    case unknownRoomEvent(room: RoomName, event: String)
    /// The room or nickname level breaks its naming rule.
    case invalidName(topic: String, NameError)

    public var description: String {
        switch self {
        case .unknown(let topic):
            "unknown topic \(Self.quoted(topic)): expected rooms/<room>/newtext, rooms/<room>/new, "
                + "users/<nick>/hello or users/<nick>/logout"
        case .unknownRoomEvent(let room, let event):
            "unknown event \(Self.quoted(event)) in room \(room)"
        case .invalidName(let topic, let error):
            "invalid topic \(Self.quoted(topic)): \(error)"
        }
    }

    /// Quotes a string from outside, escaped and cut short, so a log line stays one line.
    static func quoted(_ text: String) -> String {
        var escaped = text.unicodeScalars.prefix(120).map { $0.escaped(asASCII: false) }.joined()
        if text.unicodeScalars.count > 120 { escaped += "…" }
        return "\"" + escaped + "\""
    }
}
