/// What `bot` says in `rooms/main/newtext` when a user says hello. ``ChatState`` decides
/// it (see ``GreetingRules``); the daemon adds the host name once reverse DNS answered.
public struct Greeting: Sendable, Hashable {
    /// Which rule of the greeting rules applies.
    public enum Kind: Sendable, Hashable {
        /// A nickname never seen before; lists other nicknames seen from the same address.
        case welcome(alsoSeenFromAddress: [Nickname])
        /// A known nickname from an address it never used.
        case changedComputer
        /// A known nickname that was not online.
        case welcomeBack
        /// A nickname still online, seen within the recent window, saying hello from another address.
        case connectionIssues
        /// A nickname still online but not seen for longer than the recent window.
        case longTimeNoSee
    }

    /// Who is greeted.
    public let nick: Nickname
    /// Which greeting.
    public let kind: Kind

    /// Creates a greeting.
    public init(nick: Nickname, kind: Kind) {
        self.nick = nick
        self.kind = kind
    }

    /// The plain-text message, ending with `From <host> :: <address>`; the host falls back
    /// to the address when reverse DNS gave nothing.
    public func text(hostName: String?, address: String) -> String {
        let name = nick.rawValue
        let body: String
        switch kind {
        case .welcome(let others) where others.isEmpty:
            body = "Welcome \(name)!!"
        case .welcome(let others):
            let list = others.map(\.rawValue).joined(separator: ", ")
            body = "Welcome \(name)!! Also seen from your address: \(list)."
        case .changedComputer:
            body = "Did you change computer?"
        case .welcomeBack:
            body = "Welcome back online"
        case .connectionIssues:
            body = "Connection issues?"
        case .longTimeNoSee:
            body = "Long time no see!"
        }
        let host = (hostName?.isEmpty == false ? hostName : nil) ?? address
        return "@\(name): \(body) From \(host) :: \(address)"
    }

    /// The greeting as the payload `bot` publishes.
    public func payload(hostName: String?, address: String, id: String? = nil, ts: Int64? = nil) -> NewTextPayload {
        NewTextPayload(author: .bot, text: text(hostName: hostName, address: address), id: id, ts: ts)
    }
}
