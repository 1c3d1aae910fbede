import ChatCore
import ChatMemorize
import ChatStore
import Testing

/// chatt-memorize's flag rules, checked without running the command.
@Suite("chatt-memorize's arguments")
struct MemorizeArgumentsTests {
    let environment = ["DATA_DIR": "/tmp/chatt-args-test"]

    func options(_ change: (inout MemorizeArguments) -> Void) throws(MemorizeArgumentError) -> MemorizeOptions {
        var arguments = MemorizeArguments()
        change(&arguments)
        return try MemorizeOptions(arguments: arguments, environment: environment)
    }

    @Test("the defaults: stdin, quiet greetings, the limits, the database in DATA_DIR, a client id left to the store")
    func defaults() throws {
        let options = try options { _ in }
        #expect(options.input == .standardInput)
        #expect(options.rules.style == .quiet)
        #expect(options.roomLimit == 1_000 && options.onlineLimit == 10_000)
        #expect(options.maximumQueuedBytes == 64 * 1024 * 1024)
        #expect(options.clientID == nil)
        #expect(options.database == .sqlite(path: "/tmp/chatt-args-test/chatt.db"))
    }

    /// Arguments with one bad value each, and a word the error must contain.
    static let badArguments: [(String, MemorizeArguments)] = {
        func with(_ change: (inout MemorizeArguments) -> Void) -> MemorizeArguments {
            var arguments = MemorizeArguments()
            change(&arguments)
            return arguments
        }
        return [
            ("--client-id", with { $0.clientID = "" }),
            ("--client-id", with { $0.clientID = String(repeating: "x", count: 129) }),
            ("--legacy-server", with { $0.legacyServer = "ftp://x" }),
            ("--shared-group needs --subscribe", with { $0.sharedGroup = "g" }),
            ("--shared-group must", with { $0.subscribe = true; $0.sharedGroup = "a/b"; $0.clientID = "x" }),
            ("--shared-group needs an own --client-id", with { $0.subscribe = true; $0.sharedGroup = "g" }),
            ("--greetings", with { $0.greetings = "loud" }),
            ("--max-text-bytes", with { $0.maxTextBytes = 0 }),
            ("--max-rooms", with { $0.maxRooms = 0 }),
            ("--max-online", with { $0.maxOnline = -1 }),
            ("--max-queue-bytes", with { $0.maxQueueBytes = -1 }),
            ("--sweep-seconds", with { $0.sweepSeconds = .infinity }),
            ("mqtt://", with { $0.broker = ["http://x"] }),
            ("--broker entry 2: invalid broker address \"127.0.0.1:99999\"", with { $0.broker = ["mqtt://a:1883,127.0.0.1:99999"] }),
            ("--broker entry 3", with { $0.broker = ["mqtt://a:1883", "b:1,mqtts://c"] }),
            ("empty entry", with { $0.broker = ["mqtt://a:1883,,b"] }),
            ("--broker needs", with { $0.broker = [] }),
            ("no database name", with { $0.db = "postgres://nobody@localhost" }),
        ]
    }()

    @Test("each bad value is refused, naming its flag", arguments: badArguments)
    func refused(flag: String, arguments: MemorizeArguments) {
        do {
            _ = try MemorizeOptions(arguments: arguments, environment: environment)
            Issue.record("accepted, expected an error about \(flag)")
        } catch {
            #expect(error.description.contains(flag), "\(error)")
        }
    }

    @Test("a shared group with its own client id, original greetings, the broker's credentials from the environment")
    func accepted() throws {
        var arguments = MemorizeArguments()
        arguments.subscribe = true
        arguments.sharedGroup = "chatt"
        arguments.clientID = "memorize-a"
        arguments.greetings = "original"
        let options = try MemorizeOptions(arguments: arguments, environment: ["CHATT_USER": "u", "CHATT_PASS": "p"])
        #expect(options.subscriptionFilters == ["$share/chatt/rooms/#", "$share/chatt/users/#", "$share/chatt/direct/#"])
        #expect(options.rules.style == .original)
        #expect(options.broker.username == "u" && options.broker.password == "p")
    }

    @Test("one --broker as before: one address, the default port, credentials from the URL")
    func oneBroker() throws {
        let options = try options { $0.broker = ["mqtt://u:p@[::1]"] }
        #expect(options.brokers == [BrokerAddress(host: "::1", port: 1883, username: "u", password: "p")])
        #expect(options.broker == options.brokers[0])
    }

    @Test("several brokers: a comma-separated list or the flag repeated, in order; credentials per entry or given once")
    func severalBrokers() throws {
        let listed = try options { $0.broker = ["mqtt://a:1, b:2 ,mqtt://c:3"] }
        #expect(listed.brokers.map(\.description) == ["mqtt://a:1", "mqtt://b:2", "mqtt://c:3"])
        let repeated = try options { $0.broker = ["mqtt://a:1", "b:2,c:3"] }
        #expect(repeated.brokers == listed.brokers)

        let shared = try options { $0.broker = ["a:1,mqtt://u:p@b:2,c:3"] }
        #expect(shared.brokers.map(\.username) == ["u", "u", "u"])
        #expect(shared.brokers.map(\.password) == ["p", "p", "p"])
        let own = try options { $0.broker = ["mqtt://u:p@a:1,mqtt://v:q%2Cr@b:2"] }
        #expect(own.brokers.map(\.username) == ["u", "v"])
        #expect(own.brokers.map(\.password) == ["p", "q,r"])

        var arguments = MemorizeArguments()
        arguments.broker = ["mqtt://x:y@a:1,b:2"]
        let fromEnvironment = try MemorizeOptions(arguments: arguments, environment: ["CHATT_USER": "u", "CHATT_PASS": "p"])
        #expect(fromEnvironment.brokers.allSatisfy { $0.username == "u" && $0.password == "p" })
    }
}
