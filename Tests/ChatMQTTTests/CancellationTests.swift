import ChatMQTT
import ChatTestSupport
import Testing

/// Every wait for the broker ends when its task is cancelled (issue 14 item 1: memorize
/// waited for a SUBACK that could never come, deaf to SIGTERM).
@Suite("cancelling waits for the broker")
struct CancellationTests {
    @Test("subscribe and publish waiting for a broker that is down return when cancelled")
    func cancelledWaits() async throws {
        let port = try freeLoopbackPort()
        let client = MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: port, clientID: "patient"),
                                logger: quietLogger())
        client.start()
        let subscribing = Task { try await client.subscribe("rooms/#", qos: .atLeastOnce) }
        let publishing = Task { try await client.publish(topic: "rooms/main/newtext", payload: Array("x".utf8), qos: .atLeastOnce) }
        let connecting = Task { try await client.connect() }
        subscribing.cancel()
        publishing.cancel()
        connecting.cancel()
        for task in [subscribing, publishing, connecting] {
            let error = await #expect(throws: MQTTError.self) { try await task.value }
            #expect(error?.kind == .cancelled, "\(String(describing: error))")
        }
        await client.disconnect()
    }

    @Test("after a cancelled wait the client goes on: a later subscription receives")
    func cancelledThenConnected() async throws {
        try await withTestBroker { broker in
            let client = makeClient(broker, id: "late")
            try await client.connect()
            let task = Task { try await client.subscribe("rooms/#", qos: .atLeastOnce) }
            task.cancel()
            _ = try? await task.value
            try await client.subscribe("users/#", qos: .atLeastOnce)
            try await client.publish(topic: "users/a/hello", payload: Array("{}".utf8), qos: .atLeastOnce)
            var messages = client.messages.makeAsyncIterator()
            let message = await messages.next()
            #expect(message?.topic == "users/a/hello")
            await client.disconnect()
        }
    }
}
