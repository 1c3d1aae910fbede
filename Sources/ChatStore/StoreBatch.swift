public import ChatCore

/// Everything one group commit writes, in one transaction.
public struct StoreBatch: Sendable {
    /// Messages to append, in order; those whose id is already stored are skipped.
    public var messages: [NewMessage] = []
    /// Rooms that must exist.
    public var rooms: [RoomName] = []
    /// Users whose record changed (inserted or replaced).
    public var users: [Nickname: UserInfo] = [:]
    /// Nicknames seen from an address, in the order seen.
    public var addresses: [AddressNickname] = []
    /// The new list of users online, replacing the stored one (an import, the control API).
    public var online: [String]?
    /// Users who came online, appended to the stored list (after ``online``, if both).
    public var onlineAdded: [String] = []
    /// Users who went offline, removed from the stored list. Together with
    /// ``onlineAdded`` a change costs what changed, not the whole list.
    public var onlineRemoved: [String] = []
    /// Counters to raise, by setting key (see ``MessageStore/setting(_:)``): a counter is a
    /// setting holding a decimal number, missing meaning 0.
    public var counters: [String: Int] = [:]
    /// Topics and archive states to keep, each unless a newer one is kept already.
    public var roomChanges: [RoomSettingChange] = []
    /// Edits, deletes and reactions, applied after ``messages`` (see ``ConversationEvent``).
    public var events: [ConversationEvent] = []
    /// Direct messages to keep as they came (one already stored is skipped).
    public var directs: [DirectMessage] = []

    /// An empty batch.
    public init() {}

    /// Records the change from `before` to `after` in the users online, as
    /// ``onlineAdded`` and ``onlineRemoved``; does nothing when they are equal.
    public mutating func recordOnlineChange(from before: [String], to after: [String]) {
        guard before != after else { return }
        let beforeSet = Set(before), afterSet = Set(after)
        onlineRemoved += before.filter { !afterSet.contains($0) }
        onlineAdded += after.filter { !beforeSet.contains($0) }
    }

    /// Whether the users online change.
    public var changesOnline: Bool { online != nil || !onlineAdded.isEmpty || !onlineRemoved.isEmpty }

    /// Whether there is nothing to write.
    public var isEmpty: Bool {
        messages.isEmpty && events.isEmpty && rooms.isEmpty && users.isEmpty && addresses.isEmpty && online == nil
            && counters.isEmpty && onlineAdded.isEmpty && onlineRemoved.isEmpty && roomChanges.isEmpty
            && directs.isEmpty
    }
}

/// One nickname seen from one address.
public struct AddressNickname: Sendable, Hashable {
    /// The client address.
    public var address: String
    /// The nickname.
    public var nick: Nickname

    /// Creates the pair.
    public init(address: String, nick: Nickname) {
        self.address = address
        self.nick = nick
    }
}

/// What a write did.
public struct StoreWriteResult: Sendable, Hashable {
    /// Messages stored.
    public var inserted: Int
    /// Messages skipped because their id was already stored.
    public var duplicates: Int
    /// What became of the batch's ``StoreBatch/events`` (and of held ones applied now).
    public var events = ConversationOutcome()

    /// Creates the result.
    public init(inserted: Int = 0, duplicates: Int = 0) {
        self.inserted = inserted
        self.duplicates = duplicates
    }
}
