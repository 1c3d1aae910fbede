import ChatMQTT
import ChatTestSupport
import Testing

@Suite("publish and subscribe against a real mosquitto")
struct RoundTripTests {
    @Test("messages round-trip at each QoS", arguments: MQTTQoS.allCases)
    func roundTrip(qos: MQTTQoS) async throws {
        try await withTestBroker { broker in
            let subscriber = makeClient(broker)
            let publisher = makeClient(broker)
            let inbox = MessageCollector(subscriber)
            try await subscriber.connect()
            try await subscriber.subscribe("t/#", qos: qos)
            try await publisher.connect()
            for index in 0..<20 {
                try await publisher.publish(topic: "t/\(index)", payload: Array("message \(index)".utf8), qos: qos)
            }
            let messages = try await inbox.waitFor(20)
            #expect(messages.map(\.topic) == (0..<20).map { "t/\($0)" })
            #expect(messages.map(text) == (0..<20).map { "message \($0)" })
            #expect(messages.allSatisfy { $0.qos == qos && !$0.retain })
            await publisher.disconnect()
            await subscriber.disconnect()
        }
    }

    @Test("a retained message reaches a later subscriber with the retain flag; empty payloads pass")
    func retained() async throws {
        try await withTestBroker { broker in
            let publisher = makeClient(broker)
            try await publisher.connect()
            try await publisher.publish(topic: "keep/this", payload: Array("kept".utf8), retain: true)
            try await publisher.publish(topic: "keep/empty", payload: [], qos: .atLeastOnce)
            let subscriber = makeClient(broker)
            let inbox = MessageCollector(subscriber)
            try await subscriber.connect()
            try await subscriber.subscribe("keep/#")
            let messages = try await inbox.waitFor(1)
            #expect(messages.first?.topic == "keep/this")
            #expect(messages.first?.retain == true)
            #expect(messages.first.map(text) == "kept")
            try await publisher.publish(topic: "keep/empty", payload: [])
            let both = try await inbox.waitFor(2)
            #expect(both[1].payload.isEmpty)
            #expect(both[1].retain == false)
            await publisher.disconnect()
            await subscriber.disconnect()
        }
    }

    @Test("after unsubscribe, nothing more arrives from that filter")
    func unsubscribe() async throws {
        try await withTestBroker { broker in
            let client = makeClient(broker)
            let inbox = MessageCollector(client)
            try await client.connect()
            try await client.subscribe("a/#")
            try await client.subscribe("b/#")
            try await client.publish(topic: "a/1", payload: [1])
            try await inbox.waitFor(1)
            try await client.unsubscribe("a/#")
            try await client.publish(topic: "a/2", payload: [2])
            try await client.publish(topic: "b/1", payload: [3])
            // The broker delivers in order: once b/1 is here, a/2 would have been too.
            let messages = try await inbox.waitFor(2)
            #expect(messages.map(\.topic) == ["a/1", "b/1"])
            await client.disconnect()
        }
    }

    @Test("a shared subscription splits the messages between its members")
    func sharedSubscription() async throws {
        try await withTestBroker { broker in
            let first = makeClient(broker), second = makeClient(broker), publisher = makeClient(broker)
            let firstInbox = MessageCollector(first), secondInbox = MessageCollector(second)
            for client in [first, second, publisher] { try await client.connect() }
            try await first.subscribe("$share/store/shared/#")
            try await second.subscribe("$share/store/shared/#")
            for index in 0..<100 {
                try await publisher.publish(topic: "shared/\(index)", payload: Array("\(index)".utf8))
            }
            try await waitUntil("100 shared messages") { firstInbox.count + secondInbox.count >= 100 }
            let all = (firstInbox.messages + secondInbox.messages).map(text)
            #expect(all.count == 100)
            #expect(Set(all) == Set((0..<100).map { "\($0)" }))
            #expect(firstInbox.count > 0 && secondInbox.count > 0)
            for client in [first, second, publisher] { await client.disconnect() }
        }
    }

    @Test("malformed topics and filters are refused before reaching the broker")
    func invalidArguments() async throws {
        try await withTestBroker { broker in
            let client = makeClient(broker)
            try await client.connect()
            let badFilter = await #expect(throws: MQTTError.self) { try await client.subscribe("a/#/b") }
            #expect(badFilter?.kind == .invalidArgument)
            #expect(badFilter?.description.contains("a/#/b") == true)
            let badTopic = await #expect(throws: MQTTError.self) { try await client.publish(topic: "a/+", payload: []) }
            #expect(badTopic?.kind == .invalidArgument)
            await client.disconnect()
        }
    }
}
