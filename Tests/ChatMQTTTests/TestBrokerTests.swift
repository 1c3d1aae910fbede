import Foundation
import ChatTestSupport
import Testing

@Suite("the test broker harness")
struct TestBrokerTests {
    @Test("serves TCP and WebSocket, runs mosquitto_pub/sub, and cleans up")
    func harness() async throws {
        let directory = try await withTestBroker(passwords: [("bob", "pw")]) { broker in
            #expect(broker.port != broker.webSocketPort)
            #expect(isListening(port: broker.port))
            #expect(isListening(port: broker.webSocketPort))
            let sub = try broker.launchClient("mosquitto_sub", ["-u", "bob", "-P", "pw", "-t", "h/#", "-C", "1", "-v"])
            try await waitUntil("the subscriber to connect", timeout: .seconds(60)) {
                broker.log.contains("as auto-") || broker.log.filter { $0 == "\n" }.count >= 6
            }
            // Publish until the subscriber, which may still be subscribing, has it.
            try await waitUntil("mosquitto_sub to get the message", interval: .milliseconds(50)) {
                _ = try await broker.run("mosquitto_pub", ["-u", "bob", "-P", "pw", "-t", "h/1", "-m", "hello"])
                return !sub.isRunning
            }
            let result = try await sub.wait()
            #expect(result.stdout == "h/1 hello\n")
            let refused = try await broker.run("mosquitto_pub", ["-u", "bob", "-P", "wrong", "-t", "h/1", "-m", "x"])
            #expect(refused.status != 0)
            return broker.directory
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path))
    }
}
