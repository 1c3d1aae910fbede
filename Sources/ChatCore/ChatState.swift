#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The chat as `chatt-memorize` sees it: rooms, users online, what is known of each
/// nickname and which nicknames came from each address.
///
/// A value type with no I/O and no clock of its own: every method that depends on time
/// takes `now`, so the greeting and idle rules are pure functions of the state and an
/// injected clock.
public struct ChatState: Sendable, Hashable {
    /// Known rooms, in the order they became known; always holds `main`.
    public private(set) var rooms: [RoomName] = [.main]
    /// Users online, in the order they came; always holds `bot`.
    public private(set) var online: [Nickname] = [.bot]
    /// What is known of each nickname ever seen.
    public private(set) var users: [Nickname: UserInfo] = [:]
    /// For each address, the nicknames that said hello from it, in order.
    public private(set) var nicknamesByAddress: [String: [Nickname]] = [:]
    /// The timing rules.
    public var rules: GreetingRules
    /// The most users listed online (10,000 by default): past it a newcomer is recorded
    /// but not listed, so a flood of made-up nicknames cannot grow the list every page
    /// downloads without bound.
    public var onlineLimit = 10_000

    private var roomSet: Set<RoomName> = [.main]
    private var onlineSet: Set<Nickname> = [.bot]

    /// An empty chat: the room `main` and the user `bot`.
    public init(rules: GreetingRules = .standard) {
        self.rules = rules
    }

    // MARK: Rooms

    /// Makes a room known; returns `true` when it was new.
    @discardableResult
    public mutating func addRoom(_ room: RoomName) -> Bool {
        guard roomSet.insert(room).inserted else { return false }
        rooms.append(room)
        return true
    }

    /// Whether `room` is known.
    public func hasRoom(_ room: RoomName) -> Bool { roomSet.contains(room) }

    // MARK: Users

    /// Whether `nick` is marked online.
    public func isOnline(_ nick: Nickname) -> Bool { onlineSet.contains(nick) }

    /// Replaces the list of users online (`bot` always stays).
    public mutating func setOnline(_ nicks: [Nickname]) {
        online = [.bot]
        onlineSet = [.bot]
        for nick in nicks where onlineSet.insert(nick).inserted {
            online.append(nick)
        }
    }

    /// Records a message from `author`: the room becomes known, the author is seen now
    /// and counts as online.
    public mutating func recordMessage(from author: Nickname, in room: RoomName, at now: Date) {
        addRoom(room)
        markPresent(author, at: now)
    }

    /// Restores what is known of a nickname (from storage or an import).
    public mutating func restore(_ nick: Nickname, info: UserInfo) {
        users[nick] = info
        for address in info.addresses {
            noteAddress(address, for: nick)
        }
    }

    /// Records the nicknames seen from an address (from storage or an import).
    public mutating func restore(address: String, nicknames: [Nickname]) {
        for nick in nicknames {
            noteAddress(address, for: nick)
        }
    }

    /// Stores the host name that reverse DNS gave for a user's latest address.
    public mutating func setHostName(_ hostName: String?, for nick: Nickname) {
        users[nick]?.hostName = hostName
    }

    /// Records a user's presence (`online` or `away` on `users/<nick>/presence`): seen now,
    /// and online, without a greeting.
    public mutating func markPresent(_ nick: Nickname, at now: Date) {
        if var info = users[nick] {
            info.lastSeen = max(info.lastSeen, now)
            users[nick] = info
        } else {
            users[nick] = UserInfo(firstSeen: now)
        }
        markOnline(nick)
    }

    /// Marks a user as gone (a `logout` was received). `bot` never leaves.
    public mutating func logout(_ nick: Nickname) {
        guard nick != .bot, onlineSet.remove(nick) != nil else { return }
        online.removeAll { $0 == nick }
    }

    // MARK: Hello and greetings

    /// The greeting for a `hello` from `nick` at `address`, by ``GreetingRules``, without
    /// changing anything; `nil` when nothing is to be said.
    public func greeting(forHelloFrom nick: Nickname, address: String, at now: Date) -> Greeting? {
        if rules.style == .quiet {
            return users[nick] == nil ? Greeting(nick: nick, parts: [.welcome(alsoSeenFromAddress: [])], showsOrigin: false) : nil
        }
        guard let info = users[nick] else {
            let others = (nicknamesByAddress[address] ?? []).filter { $0 != nick }
            return Greeting(nick: nick, parts: [.welcome(alsoSeenFromAddress: others)])
        }
        let knownAddress = info.addresses.contains(address)
        let seenRecently = now.timeIntervalSince(info.lastSeen) < rules.recentWindow.timeInterval
        var parts: [Greeting.Part] = knownAddress ? [] : [.changedComputer]
        if !isOnline(nick) {
            parts.append(.welcomeBack)
        } else if seenRecently {
            // A reconnect: worth a word only when something else is said too.
            guard !knownAddress else { return nil }
            parts.append(.connectionIssues)
        } else {
            parts.append(.longTimeNoSee)
        }
        return Greeting(nick: nick, parts: parts)
    }

    /// Handles a `hello`: decides the greeting (see ``greeting(forHelloFrom:address:at:)``),
    /// then records the connection: the user is online, seen now, at this address.
    public mutating func registerHello(from nick: Nickname, address: String, at now: Date) -> Greeting? {
        let greeting = greeting(forHelloFrom: nick, address: address, at: now)
        if var info = users[nick] {
            if !info.addresses.contains(address) {
                info.addresses.append(address)
                info.hostName = nil
            }
            info.lastConnection = now
            info.lastSeen = max(info.lastSeen, now)
            users[nick] = info
        } else {
            users[nick] = UserInfo(firstSeen: now, address: address)
        }
        noteAddress(address, for: nick)
        markOnline(nick)
        return greeting
    }

    // MARK: Idle users

    /// The users online, other than `bot`, not seen for ``GreetingRules/idleTimeout``.
    public func idleUsers(at now: Date) -> [Nickname] {
        let limit = rules.idleTimeout.timeInterval
        return online.filter { nick in
            guard nick != .bot else { return false }
            guard let lastSeen = users[nick]?.lastSeen else { return true }
            return now.timeIntervalSince(lastSeen) >= limit
        }
    }

    /// Logs out every idle user (see ``idleUsers(at:)``) and returns them, so the daemon
    /// can publish `users/<nick>/logout` for each.
    public mutating func sweepIdle(at now: Date) -> [Nickname] {
        let idle = idleUsers(at: now)
        for nick in idle { logout(nick) }
        return idle
    }

    // MARK: Private

    private mutating func markOnline(_ nick: Nickname) {
        guard online.count < onlineLimit || onlineSet.contains(nick) else { return }
        if onlineSet.insert(nick).inserted { online.append(nick) }
    }

    private mutating func noteAddress(_ address: String, for nick: Nickname) {
        var nicks = nicknamesByAddress[address] ?? []
        if !nicks.contains(nick) {
            nicks.append(nick)
            nicknamesByAddress[address] = nicks
        }
    }
}
