/// The MQTT topics ChaTT speaks, as values rather than strings.
///
/// ```swift
/// let topic = try Topic(parsing: "rooms/main/newtext")   // .roomText(RoomName.main)
/// topic.description                                      // "rooms/main/newtext"
/// ```
public enum Topic: Sendable, Hashable, CustomStringConvertible {
    /// `rooms/<room>/newtext`: a message in a room.
    case roomText(RoomName)
    /// `rooms/<room>/new`: a room was created.
    case roomCreated(RoomName)
    /// `users/<nick>/hello`: a user came online.
    case hello(Nickname)
    /// `users/<nick>/logout`: a user left or went idle.
    case logout(Nickname)
    /// `rooms/<room>/edit` (protocol v2): a message's new text.
    case roomEdit(RoomName)
    /// `rooms/<room>/delete` (protocol v2): a message taken back.
    case roomDelete(RoomName)
    /// `rooms/<room>/react` (protocol v2): a reaction added or removed.
    case roomReact(RoomName)
    /// `rooms/<room>/typing` (protocol v2): somebody is typing; never stored.
    case roomTyping(RoomName)
    /// `rooms/<room>/topic`: the room's topic.
    case roomTopic(RoomName)
    /// `rooms/<room>/archive`: the room hidden from the room list, or shown again.
    case roomArchive(RoomName)
    /// `users/<nick>/presence` (protocol v2, retained): online, away or offline.
    case presence(Nickname)
    /// `users/<nick>/key` (retained): the nickname's public keys, self-signed.
    case key(Nickname)
    /// `direct/<a>/<b>`: a direct message between `a` and `b` (in code-point order).
    case direct(Nickname, Nickname)

    /// The filters a listener subscribes to in order to receive every topic above.
    public static let subscriptionFilters = ["rooms/#", "users/#", "direct/#"]

    /// The topic string, as published.
    public var description: String {
        switch self {
        case .roomText(let room): "rooms/\(room.rawValue)/newtext"
        case .roomCreated(let room): "rooms/\(room.rawValue)/new"
        case .hello(let nick): "users/\(nick.rawValue)/hello"
        case .logout(let nick): "users/\(nick.rawValue)/logout"
        case .roomEdit(let room): "rooms/\(room.rawValue)/edit"
        case .roomDelete(let room): "rooms/\(room.rawValue)/delete"
        case .roomReact(let room): "rooms/\(room.rawValue)/react"
        case .roomTyping(let room): "rooms/\(room.rawValue)/typing"
        case .roomTopic(let room): "rooms/\(room.rawValue)/topic"
        case .roomArchive(let room): "rooms/\(room.rawValue)/archive"
        case .presence(let nick): "users/\(nick.rawValue)/presence"
        case .key(let nick): "users/\(nick.rawValue)/key"
        case .direct(let a, let b): "direct/\(a.rawValue)/\(b.rawValue)"
        }
    }

    /// Whether this topic makes its room known: only `newtext` and `new` do (SPEC.md,
    /// protocol v2); an event under a room nobody created is ignored.
    public var makesRoomKnown: Bool {
        switch self {
        case .roomText, .roomCreated: true
        default: false
        }
    }

    /// The room this topic concerns, if any.
    public var room: RoomName? {
        switch self {
        case .roomText(let room), .roomCreated(let room), .roomEdit(let room), .roomDelete(let room),
             .roomReact(let room), .roomTyping(let room), .roomTopic(let room), .roomArchive(let room):
            room
        case .hello, .logout, .presence, .key, .direct: nil
        }
    }
}
