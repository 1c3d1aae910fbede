import ChatMQTT
import ChatTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// libmosquitto's public API does not expose the DUP flag; ChatMQTT reads it from the
/// library's 2.0 message layout. A hand-made broker sends the same QoS 1 message with and
/// without DUP to check that reading.
@Suite("the DUP flag")
struct DuplicateFlagTests {
    @Test("a redelivered QoS 1 PUBLISH (DUP set) is reported as duplicate; a fresh one is not")
    func duplicateFlag() async throws {
        let server = try FakeBroker(packets: [
            [0x20, 0x02, 0x00, 0x00],  // CONNACK, accepted
            [0x3A, 0x08, 0x00, 0x03] + Array("d/1".utf8) + [0x00, 0x01] + Array("x".utf8),  // PUBLISH QoS 1, DUP
            [0x32, 0x08, 0x00, 0x03] + Array("d/2".utf8) + [0x00, 0x02] + Array("y".utf8),  // PUBLISH QoS 1
        ])
        let client = MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: server.port, clientID: "dup"), logger: quietLogger())
        let inbox = MessageCollector(client)
        try await client.connect()
        let messages = try await inbox.waitFor(2, timeout: .seconds(10))
        #expect(messages.map(\.topic) == ["d/1", "d/2"])
        #expect(messages.map(\.duplicate) == [true, false])
        #expect(messages.allSatisfy { $0.qos == .atLeastOnce })
        await client.disconnect()
        server.close()
    }
}

/// Accepts one connection on a free loopback port, reads the CONNECT, writes `packets`,
/// then keeps the connection open until ``close()``.
final class FakeBroker: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let done = DispatchSemaphore(value: 0)

    init(packets: [[UInt8]]) throws {
        (listener, port) = try listeningLoopbackSocket()
        let fd = listener
        let done = self.done
        Thread.detachNewThread {
            let connection = accept(fd, nil, nil)
            guard connection >= 0 else { return }
            var buffer = [UInt8](repeating: 0, count: 1024)
            _ = read(connection, &buffer, buffer.count)  // CONNECT
            for packet in packets {
                _ = packet.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
            }
            done.wait()
            Glibc.close(connection)
        }
    }

    func close() {
        done.signal()
        Glibc.close(listener)
    }
}
