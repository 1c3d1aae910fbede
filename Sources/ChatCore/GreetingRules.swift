/// The timing rules of greetings and idle logouts.
///
/// On `users/<nick>/hello` (``ChatState/greeting(forHelloFrom:address:at:)``), as the
/// original decided:
///
/// - a nickname never seen before: ``Greeting/Part/welcome(alsoSeenFromAddress:)``,
///   naming the other nicknames seen from the same address;
/// - otherwise the greeting is made of:
///   - ``Greeting/Part/changedComputer`` when the address is new for the nickname;
///   - then ``Greeting/Part/welcomeBack`` when it was not online;
///   - or, still online, ``Greeting/Part/connectionIssues`` when it was seen within
///     ``recentWindow``, else ``Greeting/Part/longTimeNoSee``;
/// - nothing at all is said for a known nickname, from a known address, still online and
///   seen within ``recentWindow`` (a page reload).
///
/// A user other than `bot` not seen for ``idleTimeout`` is logged out by the sweep.
///
/// With ``GreetingStyle/quiet`` (what `chatt-memorize` does unless told
/// `--greetings original`), only a nickname never seen before is greeted, and the greeting
/// names no address, host or other nickname.
public struct GreetingRules: Sendable, Hashable {
    /// How recent "seen lately" is for rule 2 (5 minutes).
    public var recentWindow: Duration
    /// How long a user may stay silent before the sweep logs them out (10 minutes).
    public var idleTimeout: Duration
    /// Who is greeted and what the greeting says.
    public var style: GreetingStyle

    /// The rules of the original: 5 minutes and 10 minutes, every rule above.
    public static let standard = GreetingRules()
    /// The quiet rules: a newcomer is greeted once, and nothing about where they connect from.
    public static let quiet = GreetingRules(style: .quiet)

    /// Creates rules.
    public init(recentWindow: Duration = .seconds(5 * 60), idleTimeout: Duration = .seconds(10 * 60), style: GreetingStyle = .original) {
        self.recentWindow = recentWindow
        self.idleTimeout = idleTimeout
        self.style = style
    }
}

/// How much `bot` says when a user says hello.
public enum GreetingStyle: String, Sendable, Hashable, CaseIterable {
    /// A nickname is greeted the first time it is seen, with neither address, host name
    /// nor the other nicknames of its address (friends found the original noisy and
    /// revealing).
    case quiet
    /// The original's rules, exactly: newcomers, new addresses, returns, reconnects, each
    /// greeting ending with `From <host> :: <address>`.
    case original
}

extension Duration {
    var timeInterval: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
