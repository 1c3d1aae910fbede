import ChatMQTT
import ChatTestSupport
import Testing

@Suite("bursts and concurrency")
struct LoadTests {
    @Test("10,000 QoS 1 messages in a burst (mosquitto_pub -l) arrive complete and in order")
    func burst() async throws {
        try await withTestBroker { broker in
            let client = makeClient(broker)
            let inbox = MessageCollector(client)
            try await client.connect()
            try await client.subscribe("burst/#", qos: .atLeastOnce)
            let lines = (0..<10_000).map { "\($0)\n" }.joined()
            let sent = try await broker.run("mosquitto_pub", ["-q", "1", "-t", "burst/x", "-l"], input: lines, timeout: .seconds(60))
            #expect(sent.status == 0, "\(sent.stderr)")
            let messages = try await inbox.waitFor(10_000, timeout: .seconds(60))
            #expect(messages.count == 10_000)
            #expect(messages.map(text) == (0..<10_000).map { "\($0)" })
            await client.disconnect()
        }
    }

    @Test("10,000 QoS 0 messages published by this client in a tight loop arrive complete and in order")
    func ownBurst() async throws {
        try await withTestBroker { broker in
            let subscriber = makeClient(broker)
            let inbox = MessageCollector(subscriber)
            try await subscriber.connect()
            try await subscriber.subscribe("own/#", qos: .atLeastOnce)
            let publisher = makeClient(broker)
            try await publisher.connect()
            for index in 0..<10_000 {
                try await publisher.publish(topic: "own/x", payload: Array("\(index)".utf8), qos: .atMostOnce)
            }
            let messages = try await inbox.waitFor(10_000, timeout: .seconds(60))
            #expect(messages.map(text) == (0..<10_000).map { "\($0)" })
            await publisher.disconnect()
            await subscriber.disconnect()
        }
    }

    @Test("many Swift tasks publishing at QoS 1 through one client: every message arrives once, each task's in order")
    func concurrentPublishers() async throws {
        try await withTestBroker { broker in
            let subscriber = makeClient(broker)
            let inbox = MessageCollector(subscriber)
            try await subscriber.connect()
            try await subscriber.subscribe("many/#", qos: .atLeastOnce)
            let publisher = makeClient(broker)
            try await publisher.connect()
            let tasks = 32, perTask = 100
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<tasks {
                    group.addTask {
                        for index in 0..<perTask {
                            try await publisher.publish(topic: "many/\(task)", payload: Array("\(index)".utf8), qos: .atLeastOnce)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let messages = try await inbox.waitFor(tasks * perTask)
            #expect(messages.count == tasks * perTask)
            for task in 0..<tasks {
                let mine = messages.filter { $0.topic == "many/\(task)" }.map(text)
                #expect(mine == (0..<perTask).map { "\($0)" }, "task \(task)")
            }
            await publisher.disconnect()
            await subscriber.disconnect()
        }
    }
}
