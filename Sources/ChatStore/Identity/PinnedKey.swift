public import ChatCore

/// A nickname's pinned public keys (SPEC.md, "Identity and direct messages"): the first
/// valid key memorize saw on `users/<nick>/key` (trust on first use), kept until
/// `chatt-memorize --forget-key NICK`.
public struct PinnedKey: Sendable, Hashable {
    /// The nickname.
    public var nick: String
    /// Its keys.
    public var identity: PublicIdentity

    /// Creates the value.
    public init(nick: String, identity: PublicIdentity) {
        self.nick = nick
        self.identity = identity
    }

    /// The setting key a pin is kept under: `pinned-key:<nick>`.
    public static let settingPrefix = "pinned-key:"

    /// How a store keeps it: `<sign> <dh>` in base64url.
    public var storedValue: String { Self.storedValue(identity) }

    static func storedValue(_ identity: PublicIdentity) -> String { identity.sign + " " + identity.dh }

    /// The keys from a ``storedValue``, or `nil` when it is not one.
    static func identity(fromStored value: String) -> PublicIdentity? {
        let parts = value.split(separator: " ")
        guard parts.count == 2 else { return nil }
        return try? PublicIdentity(sign: String(parts[0]), dh: String(parts[1]))
    }
}

/// What became of a key announcement: pinned now, the same as the pinned one, or refused
/// because the nickname is pinned to other keys.
public enum KeyPinOutcome: Sendable, Hashable {
    /// The nickname had no key: this one is pinned now.
    case pinned
    /// The nickname is pinned to these very keys already.
    case unchanged
    /// The nickname is pinned to `pinned`: the announced keys are refused.
    case refused(pinned: PublicIdentity)
}

extension MessageStore {
    /// Pins `identity` for `nick` unless the nickname is pinned already (trust on first use).
    public func pin(_ identity: PublicIdentity, for nick: Nickname) async throws -> KeyPinOutcome {
        let value = PinnedKey.storedValue(identity)
        let (kept, isNew) = try await pinKey(value, for: nick.rawValue)
        if isNew { return .pinned }
        if kept == value { return .unchanged }
        guard let pinned = PinnedKey.identity(fromStored: kept) else { return .unchanged }
        return pinned == identity ? .unchanged : .refused(pinned: pinned)
    }

    /// Every pinned key, by nickname.
    public func pinnedKeys() async throws -> [String: PublicIdentity] {
        var keys: [String: PublicIdentity] = [:]
        for (nick, value) in try await pinnedKeyValues() {
            if let identity = PinnedKey.identity(fromStored: value) { keys[nick] = identity }
        }
        return keys
    }

    /// `nick`'s pinned keys, if any.
    public func pinnedKey(of nick: Nickname) async throws -> PublicIdentity? {
        try await setting(PinnedKey.settingPrefix + nick.rawValue).flatMap(PinnedKey.identity(fromStored:))
    }
}
