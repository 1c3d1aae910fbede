package import ChatCore

/// What one write changed, for those who mirror the history elsewhere (the original's
/// server, through ``LegacyServerNotifier``).
package struct StoreChange: Sendable, Hashable {
    /// Rooms that received messages.
    package var roomsWithMessages: Set<RoomName> = []
    /// Whether rooms were added.
    package var roomListChanged = false
    /// Whether the list of users online changed.
    package var usersChanged = false

    /// Nothing changed.
    package init() {}

    /// Whether there is anything to tell.
    package var isEmpty: Bool { roomsWithMessages.isEmpty && !roomListChanged && !usersChanged }

    /// Adds what `other` changed.
    package mutating func merge(_ other: StoreChange) {
        roomsWithMessages.formUnion(other.roomsWithMessages)
        roomListChanged = roomListChanged || other.roomListChanged
        usersChanged = usersChanged || other.usersChanged
    }
}
