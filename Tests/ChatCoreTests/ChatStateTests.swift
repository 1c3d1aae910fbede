import ChatCore
import Foundation
import Testing

@Suite("Chat state, greetings and idle users")
struct ChatStateTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)
    let ann = try! Nickname("ann")
    let bob = try! Nickname("bob")

    func minutes(_ count: Double) -> Date { start.addingTimeInterval(count * 60) }

    @Test("a new chat has main and bot")
    func initial() {
        let chat = ChatState()
        #expect(chat.rooms == [.main])
        #expect(chat.online == [.bot])
    }

    @Test("rooms become known once, in order")
    func rooms() throws {
        var chat = ChatState()
        #expect(chat.addRoom(try RoomName("r1")))
        #expect(!chat.addRoom(try RoomName("r1")))
        chat.recordMessage(from: ann, in: try RoomName("r2"), at: start)
        #expect(chat.rooms.map(\.rawValue) == ["main", "r1", "r2"])
        #expect(chat.online == [.bot, ann])
    }

    @Test("rule: a nickname never seen before is welcomed")
    func welcomeNew() {
        var chat = ChatState()
        let greeting = chat.registerHello(from: ann, address: "192.0.2.1", at: start)
        #expect(greeting == Greeting(nick: ann, parts: [.welcome(alsoSeenFromAddress: [])]))
        #expect(greeting?.text(hostName: "host.example", address: "192.0.2.1")
            == "@ann: Welcome ann!! From host.example :: 192.0.2.1")
        #expect(chat.isOnline(ann))
        #expect(chat.users[ann]?.addresses == ["192.0.2.1"])
    }

    @Test("rule: a new nickname is told of the others seen from its address")
    func welcomeMentionsOthers() {
        var chat = ChatState()
        _ = chat.registerHello(from: ann, address: "192.0.2.1", at: start)
        let greeting = chat.registerHello(from: bob, address: "192.0.2.1", at: minutes(1))
        #expect(greeting?.parts == [.welcome(alsoSeenFromAddress: [ann])])
        #expect(greeting?.text(hostName: nil, address: "192.0.2.1")
            == "@bob: Welcome bob!! Also seen from your address: ann. From 192.0.2.1 :: 192.0.2.1")
        #expect(chat.nicknamesByAddress["192.0.2.1"] == [ann, bob])
    }

    @Test("rule: a known nickname from a new address is asked whether it changed computer")
    func changedComputer() {
        var chat = ChatState()
        _ = chat.registerHello(from: ann, address: "192.0.2.1", at: start)
        chat.logout(ann)
        let greeting = chat.registerHello(from: ann, address: "198.51.100.9", at: minutes(30))
        #expect(greeting?.parts == [.changedComputer, .welcomeBack])
        #expect(greeting?.text(hostName: "h", address: "198.51.100.9")
            == "@ann: ann, did you change your computer? Welcome back online ann! :) From h :: 198.51.100.9")
        #expect(chat.users[ann]?.addresses == ["192.0.2.1", "198.51.100.9"])
    }

    @Test("rule: a known nickname that was not online is welcomed back")
    func welcomeBack() {
        var chat = ChatState()
        _ = chat.registerHello(from: ann, address: "192.0.2.1", at: start)
        chat.logout(ann)
        let greeting = chat.registerHello(from: ann, address: "192.0.2.1", at: minutes(1))
        #expect(greeting?.parts == [.welcomeBack])
        #expect(greeting?.text(hostName: "h", address: "a") == "@ann: Welcome back online ann! :) From h :: a")
    }

    @Test("rule: still online and seen within 5 minutes: asked about connection issues")
    func connectionIssues() {
        var chat = ChatState()
        _ = chat.registerHello(from: ann, address: "192.0.2.1", at: start)
        let greeting = chat.registerHello(from: ann, address: "192.0.2.2", at: minutes(4.9))
        #expect(greeting?.parts == [.changedComputer, .connectionIssues])
        #expect(greeting?.text(hostName: "h", address: "192.0.2.2")
            == "@ann: ann, did you change your computer? Having connection issues? From h :: 192.0.2.2")
    }

    @Test("rule: still online but not seen for 5 minutes or more: long time no see")
    func longTimeNoSee() {
        var chat = ChatState()
        _ = chat.registerHello(from: ann, address: "192.0.2.1", at: start)
        let greeting = chat.registerHello(from: ann, address: "192.0.2.1", at: minutes(5))
        #expect(greeting?.parts == [.longTimeNoSee])
        #expect(greeting?.text(hostName: "h", address: "a") == "@ann: Long time no see! ;) From h :: a")
    }

    @Test("rule: same address, still online, seen within 5 minutes: nothing is said")
    func silentReload() {
        var chat = ChatState()
        _ = chat.registerHello(from: ann, address: "192.0.2.1", at: start)
        chat.recordMessage(from: ann, in: .main, at: minutes(3))
        #expect(chat.registerHello(from: ann, address: "192.0.2.1", at: minutes(7.5)) == nil)
    }

    @Test("a message counts as being seen")
    func messageRefreshesLastSeen() {
        var chat = ChatState()
        _ = chat.registerHello(from: ann, address: "192.0.2.1", at: start)
        chat.recordMessage(from: ann, in: .main, at: minutes(9))
        #expect(chat.users[ann]?.lastSeen == minutes(9))
        #expect(chat.users[ann]?.lastConnection == start)
        #expect(chat.idleUsers(at: minutes(15)).isEmpty)
    }

    @Test("idle: a user not seen for 10 minutes is logged out, bot never is")
    func idle() {
        var chat = ChatState()
        _ = chat.registerHello(from: ann, address: "192.0.2.1", at: start)
        _ = chat.registerHello(from: bob, address: "192.0.2.2", at: minutes(5))
        #expect(chat.idleUsers(at: minutes(9.9)).isEmpty)
        #expect(chat.sweepIdle(at: minutes(10)) == [ann])
        #expect(chat.online == [.bot, bob])
        #expect(chat.sweepIdle(at: minutes(100)) == [bob])
        #expect(chat.online == [.bot])
        #expect(chat.sweepIdle(at: minutes(1000)).isEmpty)
    }

    @Test("the rules' windows can be changed")
    func customRules() {
        var chat = ChatState(rules: GreetingRules(recentWindow: .seconds(10), idleTimeout: .seconds(20)))
        _ = chat.registerHello(from: ann, address: "a", at: start)
        #expect(chat.greeting(forHelloFrom: ann, address: "a", at: start.addingTimeInterval(11))?.parts == [.longTimeNoSee])
        #expect(chat.sweepIdle(at: start.addingTimeInterval(20)) == [ann])
    }

    @Test("logout and the list of users online")
    func onlineList() {
        var chat = ChatState()
        chat.setOnline([ann, bob, ann])
        #expect(chat.online == [.bot, ann, bob])
        chat.logout(.bot)
        chat.logout(ann)
        #expect(chat.online == [.bot, bob])
    }

    @Test("the greeting payload is plain text from bot")
    func payload() {
        let payload = Greeting(nick: ann, parts: [.welcomeBack]).payload(hostName: nil, address: "::1", id: "g1", ts: 1)
        #expect(payload.author == .bot)
        #expect(payload.text == "@ann: Welcome back online ann! :) From ::1 :: ::1")
        #expect(!payload.text.contains("<"))
    }
}
