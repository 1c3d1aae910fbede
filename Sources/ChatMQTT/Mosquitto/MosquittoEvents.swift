/// What libmosquitto reports, as ``MosquittoHandle`` forwards it from its callbacks.
///
/// Every method runs on the network thread, inside a libmosquitto callback: it must copy
/// what it needs and return at once, never wait (see <doc:DeliveryWindow>).
protocol MosquittoEvents: AnyObject, Sendable {
    /// CONNACK: `code` 0 is accepted, anything else a refusal (`mosquitto_connack_string`).
    func mosquittoDidConnect(code: Int32, sessionPresent: Bool)
    /// The connection ended; `status` is success when the client asked for it.
    func mosquittoDidDisconnect(_ status: MosquittoStatus)
    /// A QoS 0 message was written, or a QoS 1 message acknowledged (PUBACK).
    func mosquittoDidPublish(mid: Int32)
    /// SUBACK, with the granted QoS of each filter (128 for a refusal).
    func mosquittoDidSubscribe(mid: Int32, grantedQoS: [Int32])
    /// UNSUBACK.
    func mosquittoDidUnsubscribe(mid: Int32)
    /// A message arrived; for QoS 1, libmosquitto has already acknowledged it.
    func mosquittoDidReceive(_ message: MQTTMessage)
}

/// The object libmosquitto's `userdata` points to: retained by the handle from `attach`
/// until after `mosquitto_destroy`.
final class MosquittoContext: Sendable {
    let events: any MosquittoEvents

    init(events: any MosquittoEvents) {
        self.events = events
    }

    /// The context behind a callback's `userdata`, without changing its retain count.
    static func from(_ userdata: UnsafeMutableRawPointer?) -> MosquittoContext? {
        guard let userdata else { return nil }
        return Unmanaged<MosquittoContext>.fromOpaque(userdata).takeUnretainedValue()
    }
}
