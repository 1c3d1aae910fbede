/// What `bot` says in `rooms/main/newtext` when a user says hello. ``ChatState`` decides
/// it (see ``GreetingRules``); the daemon adds the host name once reverse DNS answered.
///
/// As in the original, a greeting is made of one or more parts, said in order, then
/// `From <host> :: <address>`.
public struct Greeting: Sendable, Hashable {
    /// One sentence of a greeting.
    public enum Part: Sendable, Hashable {
        /// A nickname never seen before; names the other nicknames seen from the same address.
        case welcome(alsoSeenFromAddress: [Nickname])
        /// A known nickname from an address it never used.
        case changedComputer
        /// A known nickname that was not online.
        case welcomeBack
        /// A nickname still online and seen within the recent window.
        case connectionIssues
        /// A nickname still online but not seen for longer than the recent window.
        case longTimeNoSee
    }

    /// Who is greeted.
    public let nick: Nickname
    /// What is said, in order; never empty.
    public let parts: [Part]
    /// Whether the greeting ends with `From <host> :: <address>` (the original's rules; the
    /// quiet ones never say where a user connects from, so no host name is looked up).
    public let showsOrigin: Bool

    /// Creates a greeting.
    public init(nick: Nickname, parts: [Part], showsOrigin: Bool = true) {
        self.nick = nick
        self.parts = parts
        self.showsOrigin = showsOrigin
    }

    /// The plain-text message: `@nick: ` then the parts, ending with
    /// `From <host> :: <address>`; the host falls back to the address when reverse DNS
    /// gave nothing.
    public func text(hostName: String?, address: String) -> String {
        let name = nick.rawValue
        let sentences = parts.map { part -> String in
            switch part {
            case .welcome(let others) where others.isEmpty:
                "Welcome \(name)!!"
            case .welcome(let others):
                "Welcome \(name)!! Also seen from your address: " + Self.list(others) + "."
            case .changedComputer:
                "\(name), did you change your computer?"
            case .welcomeBack:
                "Welcome back online \(name)! :)"
            case .connectionIssues:
                "Having connection issues?"
            case .longTimeNoSee:
                "Long time no see! ;)"
            }
        }
        let said = "@\(name): " + sentences.joined(separator: " ")
        guard showsOrigin else { return said }
        let host = (hostName?.isEmpty == false ? hostName : nil) ?? address
        return said + " From \(host) :: \(address)"
    }

    /// The most nicknames an "also seen" list names: the latest ones, then how many more.
    public static let maximumNamed = 5

    /// `a, b, c` or, past ``maximumNamed``, the latest five and `and N more`.
    private static func list(_ nicknames: [Nickname]) -> String {
        let named = nicknames.suffix(maximumNamed).map(\.rawValue).joined(separator: ", ")
        let more = nicknames.count - maximumNamed
        return more > 0 ? named + " and \(more) more" : named
    }

    /// The greeting as the payload `bot` publishes.
    public func payload(hostName: String?, address: String, id: String? = nil, ts: Int64? = nil) -> NewTextPayload {
        NewTextPayload(author: .bot, text: text(hostName: hostName, address: address), id: id, ts: ts)
    }
}
