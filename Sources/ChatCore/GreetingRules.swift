/// The timing rules of greetings and idle logouts.
///
/// On `users/<nick>/hello` the first rule that matches decides (``ChatState/greeting(forHelloFrom:address:at:)``):
///
/// 1. a nickname never seen before: ``Greeting/Kind/welcome(alsoSeenFromAddress:)``,
///    naming the other nicknames seen from the same address;
/// 2. a nickname still online and seen within ``recentWindow``: nothing when it is the
///    same address (a page reload), else ``Greeting/Kind/connectionIssues``;
/// 3. a known nickname from a new address: ``Greeting/Kind/changedComputer``;
/// 4. a known nickname that was not online: ``Greeting/Kind/welcomeBack``;
/// 5. a nickname still online but not seen for longer than ``recentWindow``:
///    ``Greeting/Kind/longTimeNoSee``.
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
