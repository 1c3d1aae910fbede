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
public struct GreetingRules: Sendable, Hashable {
    /// How recent "seen lately" is for rule 2 (5 minutes).
    public var recentWindow: Duration
    /// How long a user may stay silent before the sweep logs them out (10 minutes).
    public var idleTimeout: Duration

    /// The rules of the original: 5 minutes and 10 minutes.
    public static let standard = GreetingRules()

    /// Creates rules.
    public init(recentWindow: Duration = .seconds(5 * 60), idleTimeout: Duration = .seconds(10 * 60)) {
        self.recentWindow = recentWindow
        self.idleTimeout = idleTimeout
    }
}

extension Duration {
    var timeInterval: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
