public import ChatCore

/// A message understood: what the topic and payload mean for the chat, or why it was
/// skipped. Parsing is a pure function, so it runs where the message arrives (the stdin
/// thread, the MQTT task), in parallel with the storing.
public enum IngestEvent: Sendable, Hashable {
    /// A message in a room, received at the given time (ms since 1970).
    case message(RoomName, NewTextPayload, receivedAt: Int64)
    /// A room became known (`rooms/<room>/new`, or any other event under `rooms/<room>/`).
    case room(RoomName)
    /// A user said hello.
    case hello(Nickname, address: String, receivedAt: Int64)
    /// A user left.
    case logout(Nickname)
    /// Input that is not a valid message, with the reason; counted and logged, not stored.
    case skipped(reason: String, kind: String, detail: String?)

    /// Understands one raw message.
    public init(parsing item: IngestItem, limits: PayloadLimits) {
        let topic: Topic
        do {
            topic = try Topic(parsing: item.topic)
        } catch .unknownRoomEvent(let room, _) {
            self = .room(room)
            return
        } catch {
            self = .skipped(reason: error.description, kind: "topic", detail: nil)
            return
        }
        do {
            switch topic {
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
