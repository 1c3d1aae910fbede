import ChatCore
import Testing

@Suite("Room names and nicknames")
struct NameTests {
    @Test("valid room names", arguments: ["main", "a", "Room-2", "x-y-z", String(repeating: "r", count: 64)])
    func validRooms(name: String) throws {
        #expect(try RoomName(name).rawValue == name)
    }

    @Test("invalid room names", arguments: ["", "a b", "a/b", "a+b", "#", "café", "a_b", "<b>", String(repeating: "r", count: 65)])
    func invalidRooms(name: String) {
        #expect(throws: NameError.self) { try RoomName(name) }
    }

    @Test("valid nicknames", arguments: ["ann", "Zoë", "李", "a b", "<img>", "😀", String(repeating: "n", count: 32)])
    func validNicks(name: String) throws {
        #expect(try Nickname(name).rawValue == name)
    }

    @Test("invalid nicknames", arguments: ["", "a/b", "a+b", "a#b", "a\nb", "\t", "a\u{0}", "a\u{7F}", "a\u{85}", "a\u{2028}", String(repeating: "n", count: 33)])
    func invalidNicks(name: String) {
        #expect(throws: NameError.self) { try Nickname(name) }
    }

    @Test("errors say what is wrong")
    func messages() {
        #expect(throws: NameError.forbiddenCharacter(kind: .room, " ")) { try RoomName("a b") }
        #expect(NameError.empty(kind: .nickname).description == "the nickname is empty")
        #expect(NameError.forbiddenCharacter(kind: .nickname, "/").description.contains("U+2F"))
    }
}
