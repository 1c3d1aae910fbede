import ChatTestSupport
import ServiceLifecycle
import Testing
@testable import ChatMQTT

@Suite("shutdown")
struct LifecycleTests {
    @Test("disconnect leaves no thread behind and finishes the streams")
    func noThreadLeft() async throws {
        try await withTestBroker { broker in
            let client = makeClient(broker)
            let name = client.core.threadName
            #expect(!threadNames().contains(name))
            let inbox = MessageCollector(client)
            try await client.connect()
            try await client.subscribe("x/#")
            #expect(threadNames().filter { $0 == name }.count == 1)
            await client.disconnect()
            #expect(!threadNames().contains(name))
            #expect(client.state == .closed)
            // The message stream ends: the collector's loop returns.
            var states: [MQTTConnectionState] = []
            for await state in client.states { states.append(state) }
            #expect(states == [.closed])
            await #expect(throws: MQTTError.self) { try await client.publish(topic: "x/1", payload: []) }
            _ = inbox
        }
    }

    @Test("a client released without disconnect still stops its thread")
    func releaseStops() async throws {
        try await withTestBroker { broker in
            var client: MQTTClient? = makeClient(broker)
            let name = try #require(client?.core.threadName)
            try await client?.connect()
            #expect(threadNames().contains(name))
            client = nil
            #expect(!threadNames().contains(name))
        }
    }

    @Test("as a Service: graceful shutdown disconnects cleanly and stops the thread")
    func service() async throws {
        try await withTestBroker { broker in
            let client = makeClient(broker)
            let states = StateRecorder(client)
            let group = ServiceGroup(services: [client], gracefulShutdownSignals: [], logger: quietLogger())
            let running = Task { try await group.run() }
            try await states.waitFor("connected") { $0 == .connected }
            await group.triggerGracefulShutdown()
            try await running.value
            #expect(client.state == .closed)
            #expect(!threadNames().contains(client.core.threadName))
            #expect(broker.log.contains("disconnected") || broker.log.contains("Client"))
        }
    }

    @Test("a clean disconnect does not trigger the will; the broker keeps working")
    func will() async throws {
        try await withTestBroker { broker in
            let watcher = makeClient(broker)
            let inbox = MessageCollector(watcher)
            try await watcher.connect()
            try await watcher.subscribe("wills/#")
            var configuration = MQTTConfiguration(host: "127.0.0.1", port: broker.port, clientID: "mortal")
            configuration.will = MQTTWill(topic: "wills/mortal", payload: Array("gone".utf8))
            let mortal = MQTTClient(configuration: configuration)
            try await mortal.connect()
            await mortal.disconnect()
            try await watcher.publish(topic: "wills/marker", payload: [])
            let messages = try await inbox.waitFor(1)
            #expect(messages.map(\.topic) == ["wills/marker"])
            await watcher.disconnect()
        }
    }
}
