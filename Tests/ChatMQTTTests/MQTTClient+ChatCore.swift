import ChatCore
import ChatMQTT
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Publishing ChaTT's own messages (see SPEC.md, "MQTT topics and payloads"): what a Swift
/// program would write on top of ChatMQTT and ChatCore (ChatMQTT itself knows no chat).
extension MQTTClient {
    /// Publishes `message` to `rooms/<room>/newtext`, filling in a fresh ``makeMessageID()``
    /// and the current time (`ts`, milliseconds) where the payload has none.
    ///
    /// - Returns: the payload as published, with its id and timestamp.
    @discardableResult
    func publish(_ message: NewTextPayload, in room: RoomName, qos: MQTTQoS = .atLeastOnce) async throws(MQTTError) -> NewTextPayload {
        var message = message
        if message.id == nil { message.id = Self.makeMessageID() }
        if message.ts == nil { message.ts = Self.nowMilliseconds() }
        try await publish(topic: Topic.roomText(room).description, payload: message.jsonBytes, qos: qos)
        return message
    }

    /// Publishes `users/<nick>/hello` with `{"ipAddress": address}`.
    func publishHello(_ nick: Nickname, address: String, qos: MQTTQoS = .atLeastOnce) async throws(MQTTError) {
        try await publish(topic: Topic.hello(nick).description, payload: HelloPayload(ipAddress: address).jsonBytes, qos: qos)
    }

    /// Publishes `users/<nick>/logout` with `{}`.
    func publishLogout(_ nick: Nickname, qos: MQTTQoS = .atLeastOnce) async throws(MQTTError) {
        try await publish(topic: Topic.logout(nick).description, payload: LogoutPayload().jsonBytes, qos: qos)
    }

    /// A new message id: a random UUID in lower case, unique enough that readers can
    /// store a message delivered twice only once.
    static func makeMessageID() -> String {
        UUID().uuidString.lowercased()
    }

    static func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}
