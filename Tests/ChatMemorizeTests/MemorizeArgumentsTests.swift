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
            ("mqtt://", with { $0.broker = "http://x" }),
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
}
