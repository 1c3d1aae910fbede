import ChatTestSupport
import Foundation
import Testing
@testable import ChatMQTT

/// Several brokers (``MQTTConfiguration/failoverBrokers``): the first that answers, and
/// the next one when it goes away, with real mosquittos.
@Suite("failing over between brokers", .serialized)
struct FailoverTests {
    /// A client of `first` then `others`, with a unique id and quick reconnects.
    func makeFailoverClient(
        _ first: TestBroker, _ others: [MQTTBrokerEndpoint], cleanSession: Bool = true
    ) -> MQTTClient {
        var configuration = MQTTConfiguration(
            host: "127.0.0.1", port: first.port, clientID: "failover-\(UUID().uuidString.prefix(8))",
            keepAlive: .seconds(10), cleanSession: cleanSession,
            reconnectDelay: .milliseconds(100) ... .milliseconds(500))
        configuration.failoverBrokers = others
        return MQTTClient(configuration: configuration, logger: quietLogger())
    }

    func endpoint(_ broker: TestBroker, username: String? = nil, password: String? = nil) -> MQTTBrokerEndpoint {
        MQTTBrokerEndpoint(host: "127.0.0.1", port: broker.port, username: username, password: password)
    }

    @Test("the list in order: the host first, then each failover broker, sharing the credentials unless it has its own")
    func brokerList() {
        var configuration = MQTTConfiguration(host: "a", port: 1, clientID: "x", username: "u", password: "p")
        configuration.failoverBrokers = [
            MQTTBrokerEndpoint(host: "b", port: 2), MQTTBrokerEndpoint(host: "::1", port: 3, username: "v", password: "q"),
        ]
        #expect(configuration.brokers == [
            MQTTBrokerEndpoint(host: "a", port: 1, username: "u", password: "p"),
            MQTTBrokerEndpoint(host: "b", port: 2, username: "u", password: "p"),
            MQTTBrokerEndpoint(host: "::1", port: 3, username: "v", password: "q"),
        ])
        #expect(configuration.brokers.map(\.address) == ["a:1", "b:2", "[::1]:3"])
    }

    @Test("connect() with the first broker down connects to the next one, with that broker's own credentials")
    func firstDown() async throws {
        try await withTestBroker { first in
            try await withTestBroker(passwords: [("second", "secret")]) { second in
                try await first.stop()
                let client = makeFailoverClient(first, [endpoint(second, username: "second", password: "secret")])
                let inbox = MessageCollector(client)
                try await client.connect()
                try await client.subscribe("f/#")
                try await client.publish(topic: "f/one", payload: [1])
                #expect(try await inbox.waitFor(1).map(\.topic) == ["f/one"])
                await client.disconnect()
            }
        }
    }

    @Test("connect() with every broker down fails (after trying each), instead of retrying forever")
    func allDown() async throws {
        try await withTestBroker { first in
            try await withTestBroker { second in
                try await first.stop()
                try await second.stop()
                let client = makeFailoverClient(first, [endpoint(second)])
                do throws(MQTTError) {
                    try await client.connect()
                    Issue.record("connected with both brokers down")
                } catch {
                    #expect(error.kind == .unreachable, "\(error)")
                    #expect(error.message.contains("127.0.0.1:\(second.port)"), "the last broker tried is named: \(error)")
                }
                await client.disconnect()
            }
        }
    }

    @Test("the broker goes away: the client moves to the next, subscribes again there and receives; the loss names the broker")
    func moveOnLoss() async throws {
        try await withTestBroker(persistence: true) { first in
            try await withTestBroker(persistence: true) { second in
                let client = makeFailoverClient(first, [endpoint(second)], cleanSession: false)
                let inbox = MessageCollector(client)
                let states = StateRecorder(client)
                try await client.connect()
                try await client.subscribe("m/#", qos: .atLeastOnce)
                _ = try await first.run("mosquitto_pub", ["-q", "1", "-t", "m/on-first", "-m", "1"])
                try await inbox.waitFor(1)

                try await first.stop()
                try await states.waitFor("connected again", times: 2) { $0 == .connected }
                #expect(states.states.contains { "\($0)".contains("lost the connection to the broker at 127.0.0.1:\(first.port)") },
                        "\(states.states)")
                // The subscription is sent again on the new broker (it holds no session):
                // publish until it takes.
                try await waitUntil("a message published on the second broker", interval: .milliseconds(100)) {
                    _ = try await second.run("mosquitto_pub", ["-q", "1", "-t", "m/on-second", "-m", "2"])
                    return inbox.messages.contains { $0.topic == "m/on-second" }
                }
                #expect(inbox.messages.first?.topic == "m/on-first")
                await client.disconnect()
            }
        }
    }

    @Test("start() with every broker down: it goes round the list, waits stay cancellable, disconnect() stops it")
    func roundRobinWhileDown() async throws {
        let ports = [try freeLoopbackPort(), try freeLoopbackPort()]
        var configuration = MQTTConfiguration(
            host: "127.0.0.1", port: ports[0], clientID: "failover-down",
            reconnectDelay: .milliseconds(10) ... .milliseconds(50))
        configuration.failoverBrokers = [MQTTBrokerEndpoint(host: "127.0.0.1", port: ports[1])]
        let client = MQTTClient(configuration: configuration, logger: quietLogger())
        let states = StateRecorder(client)
        client.start()
        for port in ports {
            try await states.waitFor("an attempt on port \(port)", times: 2) { state in
                "\(state)".contains("127.0.0.1:\(port)")
            }
        }
        let connecting = Task { try await client.connect() }
        connecting.cancel()
        let error = await #expect(throws: MQTTError.self) { try await connecting.value }
        #expect(error?.kind == .cancelled, "\(String(describing: error))")
        await client.disconnect()
        #expect(client.state == .closed)
    }
}
