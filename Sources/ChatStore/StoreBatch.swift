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
    /// The new list of users online, when it changed.
    public var online: [String]?

    /// An empty batch.
    public init() {}

    /// Whether there is nothing to write.
    public var isEmpty: Bool {
        messages.isEmpty && rooms.isEmpty && users.isEmpty && addresses.isEmpty && online == nil
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

    /// Creates the result.
    public init(inserted: Int = 0, duplicates: Int = 0) {
        self.inserted = inserted
        self.duplicates = duplicates
    }
}
