import ChatTestSupport
import Foundation
import Logging
import Synchronization
@testable import ChatMQTT

/// A client of `broker` with a unique id and quick reconnects.
func makeClient(
    _ broker: TestBroker,
    id: String = "test-\(UUID().uuidString.prefix(8))",
    username: String? = nil,
    password: String? = nil,
    cleanSession: Bool = true,
    port: Int? = nil,
    acknowledgement: MQTTAcknowledgement = .onReceipt
) -> MQTTClient {
    let configuration = MQTTConfiguration(
        host: "127.0.0.1", port: port ?? broker.port, clientID: id,
        username: username, password: password,
        keepAlive: .seconds(10), cleanSession: cleanSession,
        reconnectDelay: .milliseconds(100) ... .milliseconds(500),
        acknowledgement: acknowledgement)
    return MQTTClient(configuration: configuration, logger: quietLogger())
}

/// A logger that only reports critical trouble, so test output stays readable.
func quietLogger(_ label: String = "test") -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = .critical
    return logger
}

/// Consumes an async stream in the background, keeping every element, until it is
/// deinitialised.
final class StreamRecorder<Element: Sendable>: Sendable {
    private final class Box: Sendable {
        let items = Mutex<[Element]>([])
    }
    private let box = Box()
    private let task: Task<Void, Never>

    init<S: AsyncSequence & Sendable>(_ stream: S) where S.Element == Element, S.Failure == Never {
        let box = self.box
        task = Task {
            for await element in stream {
                box.items.withLock { $0.append(element) }
            }
        }
    }

    var elements: [Element] { box.items.withLock { $0 } }
    var count: Int { box.items.withLock { $0.count } }

    deinit { task.cancel() }
}

/// Keeps what a client receives, so a test can wait for a count with a deadline.
final class MessageCollector: Sendable {
    private let recorder: StreamRecorder<MQTTMessage>

    init(_ client: MQTTClient) {
        recorder = StreamRecorder(client.messages)
    }

    var messages: [MQTTMessage] { recorder.elements }
    var count: Int { recorder.count }

    /// Waits until at least `count` messages arrived; returns them all.
    @discardableResult
    func waitFor(_ count: Int, timeout: Duration = .seconds(30)) async throws -> [MQTTMessage] {
        try await waitUntil("\(count) messages (have \(self.count))", timeout: timeout) { self.count >= count }
        return messages
    }
}

/// Records every state a client reports.
final class StateRecorder: Sendable {
    private let recorder: StreamRecorder<MQTTConnectionState>

    init(_ client: MQTTClient) {
        recorder = StreamRecorder(client.states)
    }

    var states: [MQTTConnectionState] { recorder.elements }

    /// Waits until a state matching `predicate` has been reported `times` times.
    func waitFor(
        _ what: String, times: Int = 1, timeout: Duration = .seconds(30),
        _ predicate: @escaping @Sendable (MQTTConnectionState) -> Bool
    ) async throws {
        try await waitUntil("state \(what) ×\(times) (seen \(states))", timeout: timeout) {
            self.states.filter(predicate).count >= times
        }
    }
}

extension MQTTConnectionState {
    var isDisconnected: Bool {
        if case .disconnected = self { return true }
        return false
    }
}

/// The names of this process's threads (`/proc/self/task/*/comm`).
func threadNames() -> [String] {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
    return tasks.compactMap { task in
        (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

func text(_ message: MQTTMessage) -> String {
    String(decoding: message.payload, as: UTF8.self)
}
