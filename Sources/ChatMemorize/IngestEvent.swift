public import ChatCore

/// A message understood: what the topic and payload mean for the chat, or why it was
/// skipped. Parsing is a pure function, so it runs where the message arrives (the stdin
/// thread, the MQTT task), in parallel with the storing.
public enum IngestEvent: Sendable, Hashable {
    /// A message in a room, received at the given time (ms since 1970).
    case message(RoomName, NewTextPayload, receivedAt: Int64)
    /// A room became known (`rooms/<room>/new`).
    case room(RoomName)
    /// A user said hello.
    case hello(Nickname, address: String, receivedAt: Int64)
    /// A user left.
    case logout(Nickname)
    /// Input that is not a valid message, with the reason; counted and logged, not stored.
    case skipped(reason: String, kind: String, detail: String?)
    /// A valid event memorize has nothing to do with (`rooms/<room>/typing`, say): it makes
    /// no room known (SPEC.md: only `newtext` and `new` do), and is not an error.
    case ignored(topic: String)
    /// A QoS 0 message dropped before parsing because the queue was full (see
    /// ``IngestQueue``): kept in line only so that acknowledgements stay in order.
    case dropped

    /// Understands one raw message.
    public init(parsing item: IngestItem, limits: PayloadLimits) {
        let topic: Topic
        do {
            topic = try Topic(parsing: item.topic)
        } catch .unknownRoomEvent {
            self = .ignored(topic: item.topic)
            return
        } catch {
            self = .skipped(reason: error.description, kind: "topic", detail: nil)
            return
        }
        do {
            switch topic {
            case .roomText where item.retained:
                // A retained message is the broker's copy of an old one, handed to every new
                // subscriber: storing it would store it again on every start.
                self = .skipped(reason: "a retained message is not a new message", kind: "retained",
                                detail: "topic \(item.topic)")
            case .roomText(let room):
                self = .message(room, try NewTextPayload(decoding: item.payload, limits: limits), receivedAt: item.receivedAt)
            case .roomCreated(let room):
                self = .room(room)
            case .hello(let nick):
                self = .hello(nick, address: try HelloPayload(decoding: item.payload).ipAddress, receivedAt: item.receivedAt)
            case .logout(let nick):
                _ = try LogoutPayload(decoding: item.payload)
                self = .logout(nick)
            }
        } catch {
            self = .skipped(reason: error.description, kind: "payload", detail: "topic \(item.topic)")
        }
    }
}

extension IngestEvent {
    /// Roughly how many bytes the event holds while it waits: its message's text and
    /// author (what a flood of large messages grows).
    public var heldBytes: Int {
        if case .message(_, let payload, _) = self { return payload.text.utf8.count + payload.author.rawValue.utf8.count + 64 }
        return 64
    }
}
