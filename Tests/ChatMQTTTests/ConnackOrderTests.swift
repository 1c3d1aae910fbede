import ChatMQTT
import ChatTestSupport
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Between the TCP connection and the broker's CONNACK, libmosquitto accepts a publish and
/// writes it at once, behind the CONNECT: the broker routes it before the client has
/// subscribed again, so a clean-session client missed its own message published while it
/// was reconnecting (seen as a flaky broker-restart test). A QoS 1 publish must wait for
/// the CONNACK and go out after the re-subscriptions.
@Suite("publishing while the CONNACK is pending")
struct ConnackOrderTests {
    @Test("a QoS 1 publish made before the CONNACK is sent after it, behind the re-subscription")
    func publishWaitsForConnack() async throws {
        let broker = try SlowConnackBroker()
        let client = MQTTClient(
            configuration: MQTTConfiguration(host: "127.0.0.1", port: broker.port, clientID: "early"),
            logger: quietLogger())
        try await client.subscribe("c/#", qos: .atLeastOnce)  // remembered, sent on connection
        client.start()
        try await waitUntil("the CONNECT to arrive") { broker.connectReceived }

        let pending = Task { try await client.publish(topic: "c/early", payload: [1], qos: .atLeastOnce) }
        // Give a publish that would go out early the time to reach the broker.
        try await Task.sleep(for: .milliseconds(300))
        broker.sendConnack()
        do {
            try await waitUntil("a SUBSCRIBE and a PUBLISH after the CONNACK", timeout: .seconds(60)) {
                let types = broker.packetTypesAfterConnack
                return types.contains(0x8) && types.contains(0x3)
            }
        } catch {
            Issue.record("packet types before the CONNACK \(broker.packetTypesBeforeConnack), after \(broker.packetTypesAfterConnack)")
            throw error
        }

        #expect(!broker.packetTypesBeforeConnack.contains(0x3), "a PUBLISH went out before the CONNACK")
        let after = broker.packetTypesAfterConnack
        #expect(after.firstIndex(of: 0x8)! < after.firstIndex(of: 0x3)!, "packets after the CONNACK: \(after)")
        await client.disconnect()
        _ = await pending.result  // fails with .closed: the fake broker never acknowledges
        broker.close()
    }
}

/// Accepts one connection, reads the CONNECT, and answers it only on ``sendConnack()``;
/// records the MQTT packet types (the high nibble of the first byte) that the client sent
/// before and after the CONNACK.
private final class SlowConnackBroker: Sendable {
    let port: Int
    private let listener: Int32
    private let connection = Mutex<Int32>(-1)
    private let before = Mutex<[UInt8]>([])
    private let after = Mutex<[UInt8]>([])
    private let connackSent = Mutex(false)
    private let closed = Mutex(false)

    var connectReceived: Bool { connection.withLock { $0 >= 0 } }
    var packetTypesBeforeConnack: [UInt8] { Self.packetTypes(before.withLock { $0 }) }
    var packetTypesAfterConnack: [UInt8] { Self.packetTypes(after.withLock { $0 }) }

    init() throws {
        (listener, port) = try listeningLoopbackSocket()
        Thread.detachNewThread { [self] in serve() }
    }

    /// Reads whatever the client sends, into `before` until the CONNACK, then `after`.
    private func serve() {
        let socket = accept(listener, nil, nil)
        guard socket >= 0 else { return }
        var timeout = timeval(tv_sec: 0, tv_usec: 20_000)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        var connect: [UInt8] = []
        while !closed.withLock({ $0 }) {
            let count = read(socket, &buffer, buffer.count)
            if count == 0 { break }
            guard count > 0 else { continue }
            let bytes = buffer[..<count]
            if connection.withLock({ $0 }) < 0 {
                // The first packet is the CONNECT: drop it, keep what follows it.
                connect += bytes
                let types = Self.packets(connect)
                guard let first = types.first else { continue }
                before.withLock { $0 = Array(connect[first.count...]) }
                connection.withLock { $0 = socket }
            } else if connackSent.withLock({ $0 }) {
                after.withLock { $0 += bytes }
            } else {
                before.withLock { $0 += bytes }
            }
        }
        Glibc.close(socket)
    }

    func sendConnack() {
        let socket = connection.withLock { $0 }
        connackSent.withLock { $0 = true }
        let connack: [UInt8] = [0x20, 0x02, 0x00, 0x00]
        _ = connack.withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
    }

    func close() {
        closed.withLock { $0 = true }
        Glibc.close(listener)
    }

    /// Splits complete packets off `bytes`: (type, whole length) each.
    private static func packets(_ bytes: [UInt8]) -> [(type: UInt8, count: Int)] {
        var result: [(UInt8, Int)] = []
        var index = 0
        while index < bytes.count {
            var remaining = 0
            var multiplier = 1
            var cursor = index + 1
            while true {
                guard cursor < bytes.count else { return result }
                let byte = Int(bytes[cursor])
                remaining += (byte & 0x7F) * multiplier
                multiplier *= 128
                cursor += 1
                if byte & 0x80 == 0 { break }
            }
            let end = cursor + remaining
            guard end <= bytes.count else { return result }
            result.append((bytes[index] >> 4, end - index))
            index = end
        }
        return result
    }

    private static func packetTypes(_ bytes: [UInt8]) -> [UInt8] { packets(bytes).map(\.type) }
}
