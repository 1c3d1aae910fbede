/// Where memorize publishes greetings and logouts: the broker, through ChatMQTT, in the
/// daemon; a recorder in tests.
package protocol ChatPublisher: Sendable {
    /// Publishes `payload` on `topic` (QoS 1), returning once the broker has it.
    func publish(topic: String, payload: [UInt8]) async throws

    /// Publishes `payload` on `topic` (QoS 1), retained: `bot`'s key on `users/bot/key`.
    func publishRetained(topic: String, payload: [UInt8]) async throws
}

extension ChatPublisher {
    /// A recorder does not tell retained from not.
    package func publishRetained(topic: String, payload: [UInt8]) async throws {
        try await publish(topic: topic, payload: payload)
    }
}
