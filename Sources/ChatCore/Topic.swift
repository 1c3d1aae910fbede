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

    /// The filters a listener subscribes to in order to receive every topic above.
    public static let subscriptionFilters = ["rooms/#", "users/#"]

    /// The topic string, as published.
    public var description: String {
        switch self {
        case .roomText(let room): "rooms/\(room.rawValue)/newtext"
        case .roomCreated(let room): "rooms/\(room.rawValue)/new"
        case .hello(let nick): "users/\(nick.rawValue)/hello"
        case .logout(let nick): "users/\(nick.rawValue)/logout"
        }
    }

    /// The room this topic concerns, if any.
    public var room: RoomName? {
        switch self {
        case .roomText(let room), .roomCreated(let room): room
        case .hello, .logout: nil
        }
    }
}
