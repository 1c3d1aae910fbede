internal import CMosquitto

extension MosquittoHandle {
    /// Installs C callbacks that find their ``MosquittoContext`` through `userdata` and
    /// forward to its events, after copying whatever the C buffers hold (they die when the
    /// callback returns).
    func installCallbacks() {
        withPointer { pointer in
            mosquitto_connect_with_flags_callback_set(pointer) { _, userdata, code, flags in
                MosquittoContext.from(userdata)?.events.mosquittoDidConnect(code: code, sessionPresent: flags & 1 != 0)
            }
            mosquitto_disconnect_callback_set(pointer) { _, userdata, code in
                let status = MosquittoStatus(code)  // read errno before anything else can change it
                MosquittoContext.from(userdata)?.events.mosquittoDidDisconnect(status)
            }
            mosquitto_publish_callback_set(pointer) { _, userdata, mid in
                MosquittoContext.from(userdata)?.events.mosquittoDidPublish(mid: mid)
            }
            mosquitto_subscribe_callback_set(pointer) { _, userdata, mid, count, granted in
                let grantedQoS = granted.map { Array(UnsafeBufferPointer(start: $0, count: Int(max(0, count)))) } ?? []
                MosquittoContext.from(userdata)?.events.mosquittoDidSubscribe(mid: mid, grantedQoS: grantedQoS)
            }
            mosquitto_unsubscribe_callback_set(pointer) { _, userdata, mid in
                MosquittoContext.from(userdata)?.events.mosquittoDidUnsubscribe(mid: mid)
            }
            mosquitto_message_callback_set(pointer) { _, userdata, message in
                guard let context = MosquittoContext.from(userdata), let message else { return }
                context.events.mosquittoDidReceive(MQTTMessage(copying: message))
            }
        }
    }
}

extension MQTTMessage {
    /// Copies a libmosquitto message into Swift storage.
    init(copying message: UnsafePointer<mosquitto_message>) {
        let raw = message.pointee
        let topic = raw.topic.map { String(cString: $0) } ?? ""
        var payload: [UInt8] = []
        if let bytes = raw.payload, raw.payloadlen > 0 {
            payload = Array(UnsafeRawBufferPointer(start: bytes, count: Int(raw.payloadlen)))
        }
        let qos: MQTTQoS = raw.qos > 0 ? .atLeastOnce : .atMostOnce
        self.init(topic: topic, payload: payload, qos: qos, retain: raw.retain)
    }
}
