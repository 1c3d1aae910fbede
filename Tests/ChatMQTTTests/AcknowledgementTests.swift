import ChatMQTT
import ChatTestSupport
import Foundation
import Synchronization
import Testing

/// When a received QoS 1 message is acknowledged: on receipt (libmosquitto's way, the
/// default) or after the consumer says it is handled. What the broker sends again to the
/// next session tells which messages it saw acknowledged.
@Suite("acknowledging received messages")
struct AcknowledgementTests {
    /// Makes a persistent session `id` subscribed to `ack/#`, has `count` messages
    /// published while it is away, and comes back: the broker sends them in one go.
    /// Returns the client and what it received.
    private func receive(
        _ count: Int, broker: TestBroker, id: String, acknowledgement: MQTTAcknowledgement
    ) async throws -> (MQTTClient, MessageCollector) {
        let first = makeClient(broker, id: id, cleanSession: false, acknowledgement: acknowledgement)
        try await first.connect()
        try await first.subscribe("ack/#", qos: .atLeastOnce)
        await first.disconnect()
        let publisher = makeClient(broker)
        try await publisher.connect()
        for index in 1...count {
            try await publisher.publish(topic: "ack/\(index)", payload: Array("m\(index)".utf8), qos: .atLeastOnce)
        }
        await publisher.disconnect()
        let subscriber = makeClient(broker, id: id, cleanSession: false, acknowledgement: acknowledgement)
        let inbox = MessageCollector(subscriber)
        try await subscriber.connect()
        try await inbox.waitFor(count)
        return (subscriber, inbox)
    }

    /// Comes back as session `id`, publishes a marker, and returns the topics received up
    /// to the marker: what the broker sent again, then the marker.
    private func nextSession(broker: TestBroker, id: String) async throws -> [String] {
        // The broker must have read the end of both earlier connections of `id` (the
        // subscription's and the one that received): a session taken over while the old
        // connection still has unread bytes (its last PUBACKs, its DISCONNECT) loses them.
        try await waitUntil("the broker to see both earlier connections of \(id) end", timeout: .seconds(30)) {
            broker.log.components(separatedBy: "\n").filter {
                $0.contains("Client \(id) disconnected") || $0.contains("Client \(id) closed its connection")
            }.count >= 2
        }
        // On receipt: what the broker sends again is what is asked; acknowledging after
        // handling here would stop reading 100 ms after the first redelivery (the client
        // waits for the consumer), and on a loaded machine the marker came later than that.
        let subscriber = makeClient(broker, id: id, cleanSession: false, acknowledgement: .onReceipt)
        let inbox = MessageCollector(subscriber)
        try await subscriber.connect()
        let publisher = makeClient(broker)
        try await publisher.connect()
        try await publisher.publish(topic: "ack/marker", payload: [], qos: .atLeastOnce)
        await publisher.disconnect()
        try await waitUntil("the marker", timeout: .seconds(30)) { inbox.messages.contains { $0.topic == "ack/marker" } }
        subscriber.acknowledge(inbox.count)
        await subscriber.disconnect()
        return inbox.messages.map(\.topic)
    }

    @Test("after handling: messages received but never acknowledged come again to the next session")
    func unacknowledgedComeAgain() async throws {
        try await withTestBroker { broker in
            let (subscriber, inbox) = try await receive(3, broker: broker, id: "ack-held", acknowledgement: .afterHandled)
            #expect(inbox.messages.map(\.topic) == ["ack/1", "ack/2", "ack/3"])
            // Only two of three handled: no PUBACK may leave (libmosquitto sends them in
            // order with everything else), as if the process died now.
            subscriber.acknowledge(2)
            await subscriber.disconnect()
            #expect(try await nextSession(broker: broker, id: "ack-held") == ["ack/1", "ack/2", "ack/3", "ack/marker"])
        }
    }

    @Test("after handling: messages acknowledged just before disconnecting are not sent again (20 rounds)")
    func acknowledgedStayDone() async throws {
        try await withTestBroker { broker in
            for round in 0..<20 {
                let id = "ack-done-\(round)"
                let (subscriber, inbox) = try await receive(3, broker: broker, id: id, acknowledgement: .afterHandled)
                subscriber.acknowledge(inbox.count)
                await subscriber.disconnect()
                let again = try await nextSession(broker: broker, id: id)
                #expect(again == ["ack/marker"], "round \(round)")
            }
        }
    }

    @Test("on receipt (the default): the broker counts a message delivered before the consumer saw it")
    func onReceiptAcknowledgesAtOnce() async throws {
        try await withTestBroker { broker in
            let (subscriber, _) = try await receive(3, broker: broker, id: "ack-receipt", acknowledgement: .onReceipt)
            await subscriber.disconnect()
            #expect(try await nextSession(broker: broker, id: "ack-receipt") == ["ack/marker"])
        }
    }

    @Test("after handling: a publish waits behind the acknowledgements, then goes out")
    func publishWaitsForAcknowledgements() async throws {
        try await withTestBroker { broker in
            let observer = makeClient(broker)
            let seen = MessageCollector(observer)
            try await observer.connect()
            try await observer.subscribe("reply/#", qos: .atLeastOnce)
            let (subscriber, inbox) = try await receive(1, broker: broker, id: "ack-reply", acknowledgement: .afterHandled)
            let published = Atomic<Bool>(false)
            let reply = Task {
                try await subscriber.publish(topic: "reply/1", payload: Array("r".utf8), qos: .atLeastOnce)
                published.store(true, ordering: .relaxed)
            }
            try await Task.sleep(for: .milliseconds(500))
            #expect(seen.count == 0 && !published.load(ordering: .relaxed), "the reply left before the message was acknowledged")
            subscriber.acknowledge(inbox.count)
            try await reply.value
            #expect(try await seen.waitFor(1).map(\.topic) == ["reply/1"])
            await subscriber.disconnect()
            await observer.disconnect()
        }
    }

    @Test("after handling: a flood larger than the broker's in-flight window arrives whole, in order")
    func floodPastTheWindow() async throws {
        try await withTestBroker { broker in
            let subscriber = makeClient(broker, id: "ack-flood", cleanSession: false, acknowledgement: .afterHandled)
            let received = Atomic<Int>(0)
            let payloads = Mutex<[String]>([])
            let consumer = Task {
                for await message in subscriber.messages {
                    payloads.withLock { $0.append(String(decoding: message.payload, as: UTF8.self)) }
                    received.add(1, ordering: .relaxed)
                    subscriber.acknowledge()
                }
            }
            try await subscriber.connect()
            try await subscriber.subscribe("flood/#", qos: .atLeastOnce)
            let count = 5_000
            let lines = (1...count).map(String.init).joined(separator: "\n") + "\n"
            let result = try await broker.run("mosquitto_pub", ["-q", "1", "-t", "flood/x", "-l"], input: lines, timeout: .seconds(120))
            #expect(result.status == 0, "\(result.stderr)")
            try await waitUntil("\(count) messages", timeout: .seconds(60)) { received.load(ordering: .relaxed) >= count }
            #expect(payloads.withLock { $0 } == (1...count).map(String.init))
            await subscriber.disconnect()
            consumer.cancel()
        }
    }
}
