public import ChatCore

/// What one write changed, for those who mirror the history elsewhere (the original's
/// server, through ``LegacyServerNotifier``).
public struct StoreChange: Sendable, Hashable {
    /// Rooms that received messages.
    public var roomsWithMessages: Set<RoomName> = []
    /// Whether rooms were added.
    public var roomListChanged = false
    /// Whether the list of users online changed.
    public var usersChanged = false

    /// Nothing changed.
    public init() {}

    /// Whether there is anything to tell.
    public var isEmpty: Bool { roomsWithMessages.isEmpty && !roomListChanged && !usersChanged }

    /// Adds what `other` changed.
    public mutating func merge(_ other: StoreChange) {
        roomsWithMessages.formUnion(other.roomsWithMessages)
        roomListChanged = roomListChanged || other.roomListChanged
        usersChanged = usersChanged || other.usersChanged
    }
}
