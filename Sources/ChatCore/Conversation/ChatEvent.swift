/// One message from the broker, understood: its topic and its payload as typed values.
///
/// ```swift
/// let event = try ChatEvent(topic: "rooms/main/react", payload: bytes)
/// if case .react(let room, let reaction) = event { … }
/// ```
///
/// A reader of the original's protocol sees only ``message``, ``roomCreated``, ``hello``
/// and ``logout``; the others are protocol v2 (SPEC.md), on topic leaves an original
/// client ignores.
public enum ChatEvent: Sendable, Hashable {
    /// `rooms/<room>/newtext`.
    case message(RoomName, NewTextPayload)
    /// `rooms/<room>/new`.
    case roomCreated(RoomName)
    /// `users/<nick>/hello`.
    case hello(Nickname, HelloPayload)
    /// `users/<nick>/logout`.
    case logout(Nickname)
    /// `rooms/<room>/edit`.
    case edit(RoomName, EditPayload)
    /// `rooms/<room>/delete`.
    case delete(RoomName, DeletePayload)
    /// `rooms/<room>/react`.
    case react(RoomName, ReactPayload)
    /// `rooms/<room>/typing`.
    case typing(RoomName, TypingPayload)
    /// `rooms/<room>/topic`.
    case roomTopic(RoomName, RoomTopicPayload)
    /// `rooms/<room>/archive`.
    case roomArchive(RoomName, RoomArchivePayload)
    /// `users/<nick>/presence`.
    case presence(Nickname, PresencePayload)
    /// `users/<nick>/key`.
    case key(Nickname, KeyAnnouncementPayload)
    /// `direct/<a>/<b>`.
    case direct(DirectPayload)

    /// The topic the event was published on.
    public var topic: Topic {
        switch self {
        case .message(let room, _): .roomText(room)
        case .roomCreated(let room): .roomCreated(room)
        case .hello(let nick, _): .hello(nick)
        case .logout(let nick): .logout(nick)
        case .edit(let room, _): .roomEdit(room)
        case .delete(let room, _): .roomDelete(room)
        case .react(let room, _): .roomReact(room)
        case .typing(let room, _): .roomTyping(room)
        case .roomTopic(let room, _): .roomTopic(room)
        case .roomArchive(let room, _): .roomArchive(room)
        case .presence(let nick, _): .presence(nick)
        case .key(let nick, _): .key(nick)
        case .direct(let payload): .direct(DirectPayload.ordered(payload.from, payload.to).0, DirectPayload.ordered(payload.from, payload.to).1)
        }
    }

    /// Understands a message: its topic, then its payload by the topic's rules.
    ///
    /// - Throws: ``ChatEventError`` saying whether the topic or the payload was refused, and why.
    public init(topic text: String, payload: some Collection<UInt8>, limits: PayloadLimits = .default) throws(ChatEventError) {
        let topic: Topic
        do {
            topic = try Topic(parsing: text)
        } catch {
            throw .topic(error)
        }
        do throws(PayloadError) {
            self = try Self.decode(topic, payload, limits: limits)
        } catch {
            throw .payload(topic: topic, error)
        }
    }

    private static func decode(_ topic: Topic, _ payload: some Collection<UInt8>, limits: PayloadLimits) throws(PayloadError) -> ChatEvent {
        switch topic {
        case .roomText(let room): return .message(room, try NewTextPayload(decoding: payload, limits: limits))
        case .roomCreated(let room): return .roomCreated(room)
        case .hello(let nick): return .hello(nick, try HelloPayload(decoding: payload))
        case .logout(let nick):
            _ = try LogoutPayload(decoding: payload)
            return .logout(nick)
        case .roomEdit(let room): return .edit(room, try EditPayload(decoding: payload, limits: limits))
        case .roomDelete(let room): return .delete(room, try DeletePayload(decoding: payload))
        case .roomReact(let room): return .react(room, try ReactPayload(decoding: payload))
        case .roomTyping(let room): return .typing(room, try TypingPayload(decoding: payload))
        case .roomTopic(let room): return .roomTopic(room, try RoomTopicPayload(decoding: payload))
        case .roomArchive(let room): return .roomArchive(room, try RoomArchivePayload(decoding: payload))
        case .presence(let nick): return .presence(nick, try PresencePayload(decoding: payload))
        case .key(let nick): return .key(nick, try KeyAnnouncementPayload(decoding: payload, of: nick))
        case .direct: return .direct(try DirectPayload(decoding: payload, topic: topic.description))
        }
    }
}

/// Why a message from the broker is not a ``ChatEvent``.
public enum ChatEventError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The topic is not one of ChaTT's.
    case topic(TopicError)
    /// The topic is, but its payload breaks the topic's rules.
    case payload(topic: Topic, PayloadError)

    public var description: String {
        switch self {
        case .topic(let error): "\(error)"
        case .payload(let topic, let error): "\(topic): \(error)"
        }
    }
}
