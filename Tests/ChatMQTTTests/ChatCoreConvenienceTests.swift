import ChatCore
import ChatMQTT
import ChatTestSupport
import Foundation
import Testing

@Suite("ChaTT messages over MQTT")
struct ChatCoreConvenienceTests {
    @Test("a chat message goes to rooms/<room>/newtext with a fresh id and a timestamp")
    func chatMessage() async throws {
        try await withTestBroker { broker in
            let client = makeClient(broker)
            let inbox = MessageCollector(client)
            try await client.connect()
            try await client.subscribe("rooms/#")
            try await client.subscribe("users/#")
            let before = Int64(Date().timeIntervalSince1970 * 1000)
            let alice = try Nickname("alice")
            let sent = try await client.publish(NewTextPayload(author: alice, text: "hi"), in: try RoomName("lobby"))
            let second = try await client.publish(NewTextPayload(author: alice, text: "again"), in: .main)
            try await client.publishHello(alice, address: "192.0.2.7")
            try await client.publishLogout(alice)
            let messages = try await inbox.waitFor(4)
            #expect(messages.map(\.topic) == ["rooms/lobby/newtext", "rooms/main/newtext", "users/alice/hello", "users/alice/logout"])
            let decoded = try NewTextPayload(decoding: messages[0].payload)
            #expect(decoded == sent)
            #expect(decoded.author == alice && decoded.text == "hi")
            #expect(decoded.id != nil && decoded.id != second.id)
            #expect((decoded.ts ?? 0) >= before)
            #expect(try HelloPayload(decoding: messages[2].payload).ipAddress == "192.0.2.7")
            #expect(throws: Never.self) { try LogoutPayload(decoding: messages[3].payload) }
            await client.disconnect()
        }
    }

    @Test("message ids are unique")
    func ids() {
        let ids = (0..<1000).map { _ in MQTTClient.makeMessageID() }
        #expect(Set(ids).count == 1000)
    }
}
