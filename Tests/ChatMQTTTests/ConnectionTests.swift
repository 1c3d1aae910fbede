import ChatMQTT
import ChatTestSupport
import Testing

@Suite("connecting, refusals, sessions and reconnects")
struct ConnectionTests {
    @Test("a wrong password is refused in libmosquitto's words; the right one connects")
    func wrongPassword() async throws {
        try await withTestBroker(passwords: [("alice", "s3cret")]) { broker in
            let intruder = makeClient(broker, username: "alice", password: "guess")
            let error = await #expect(throws: MQTTError.self) { try await intruder.connect() }
            #expect(error?.kind == .refused)
            #expect(error?.description.contains("not authorised") == true)
            #expect(error?.description.contains("127.0.0.1:\(broker.port)") == true)
            #expect(!intruder.state.isConnected)

            let alice = makeClient(broker, username: "alice", password: "s3cret")
            try await alice.connect()
            #expect(alice.state == .connected)
            await alice.disconnect()
            await intruder.disconnect()
        }
    }

    @Test("an unreachable broker is named with host and port")
    func unreachable() async throws {
        let port = try freeLoopbackPort()
        let client = MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: port, clientID: "lonely"))
        let error = await #expect(throws: MQTTError.self) { try await client.connect() }
        #expect(error?.kind == .unreachable)
        #expect(error?.description == "cannot reach the broker at 127.0.0.1:\(port): Connection refused")
        // The client is idle again and can try once more.
        await #expect(throws: MQTTError.self) { try await client.connect() }
        await client.disconnect()
        #expect(client.state == .closed)
    }

    @Test("QoS 1 messages published while a persistent-session subscriber is away arrive when it is back")
    func persistentSession() async throws {
        try await withTestBroker { broker in
            let away = makeClient(broker, id: "keeper", cleanSession: false)
            try await away.connect()
            try await away.subscribe("rooms/#", qos: .atLeastOnce)
            await away.disconnect()

            let publisher = makeClient(broker)
            try await publisher.connect()
            for index in 0..<200 {
                try await publisher.publish(topic: "rooms/main/newtext", payload: Array("\(index)".utf8), qos: .atLeastOnce)
            }

            let back = makeClient(broker, id: "keeper", cleanSession: false)
            let inbox = MessageCollector(back)
            try await back.connect()
            let messages = try await inbox.waitFor(200)
            #expect(messages.map(text) == (0..<200).map { "\($0)" })
            #expect(messages.allSatisfy { $0.qos == .atLeastOnce })
            await back.disconnect()
            await publisher.disconnect()
        }
    }

    @Test("the broker killed and restarted: the client reconnects by itself, re-subscribes and resumes")
    func brokerRestart() async throws {
        try await withTestBroker(persistence: true) { broker in
            let client = makeClient(broker)
            let inbox = MessageCollector(client)
            let states = StateRecorder(client)
            try await client.connect()
            try await client.subscribe("r/#", qos: .atLeastOnce)
            try await client.publish(topic: "r/before", payload: [1])
            try await inbox.waitFor(1)

            try await broker.kill()
            try await states.waitFor("disconnected") { $0.isDisconnected }
            // A QoS 1 publish while the broker is down waits in libmosquitto's queue.
            let pending = Task { try await client.publish(topic: "r/during", payload: [2], qos: .atLeastOnce) }

            try await broker.restart()
            try await states.waitFor("connected again", times: 2) { $0 == .connected }
            try await pending.value
            try await client.publish(topic: "r/after", payload: [3])
            // QoS 1 allows a redelivery across the restart: wait for the three topics.
            do {
                try await waitUntil("the three messages") {
                    Set(inbox.messages.map(\.topic)) == ["r/before", "r/during", "r/after"]
                }
            } catch {
                Issue.record("received \(inbox.messages.map(\.topic)); the broker logged:\n\(broker.log)")
                throw error
            }
            #expect(inbox.messages.first?.topic == "r/before")
            await client.disconnect()
        }
    }

    @Test("start() keeps trying while the broker is down and connects when it comes up")
    func startWhileDown() async throws {
        try await withTestBroker { broker in
            try await broker.stop()
            let client = makeClient(broker)
            let states = StateRecorder(client)
            let inbox = MessageCollector(client)
            try await client.subscribe("s/#")  // remembered, sent on connection
            client.start()
            try await states.waitFor("a refused attempt", times: 2) {
                if case .disconnected(let reason) = $0 { return reason.contains("Connection refused") }
                return false
            }
            try await broker.restart()
            try await states.waitFor("connected") { $0 == .connected }
            let publisher = makeClient(broker)
            try await publisher.connect()
            // The subscription may still be on its way: publish until it takes.
            try await waitUntil("the remembered subscription to work", interval: .milliseconds(50)) {
                try await publisher.publish(topic: "s/ping", payload: [])
                return inbox.count > 0
            }
            await publisher.disconnect()
            await client.disconnect()
        }
    }
}

extension MQTTConnectionState {
    var isConnected: Bool { self == .connected }
}
