internal import CMosquitto
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one owner of a libmosquitto client (`struct mosquitto *`): every C call goes
/// through here, and nothing outside sees a pointer.
///
/// Thread safety: the client runs in libmosquitto's threaded mode (`mosquitto_threaded_set`),
/// in which publish, subscribe, unsubscribe and disconnect may be called from any thread
/// while the network thread runs ``loop(timeoutMilliseconds:wake:reading:mayWrite:)``. ``destroy()`` must come
/// after the network thread has been joined, and no call may follow it: ``ClientCore``
/// guarantees both (it makes every call but `loop` under its lock and checks that it has
/// not closed).
final class MosquittoHandle: @unchecked Sendable {
    private let pointer: OpaquePointer
    private var context: Unmanaged<MosquittoContext>?
    private var destroyed = false

    /// `mosquitto_lib_init`, once per process.
    private static let libraryInitialized: Bool = {
        mosquitto_lib_init() == 0
    }()

    /// Creates the client and applies everything a configuration says, except the
    /// address, which ``connectAsync(host:port:keepAlive:)`` takes.
    init(configuration: MQTTConfiguration) throws(MQTTError) {
        _ = Self.libraryInitialized
        guard let pointer = mosquitto_new(configuration.clientID, configuration.cleanSession, nil) else {
            let reason = configuration.clientID.isEmpty && !configuration.cleanSession
                ? "a persistent session (cleanSession false) needs a client id"
                : "out of memory"
            throw MQTTError(kind: .invalidArgument, message: "cannot create the MQTT client: \(reason)")
        }
        self.pointer = pointer
        do throws(MQTTError) {
            try configure(configuration)
        } catch {
            destroy()
            throw error
        }
    }

    private func configure(_ configuration: MQTTConfiguration) throws(MQTTError) {
        func check(_ code: Int32, _ operation: String) throws(MQTTError) {
            let status = MosquittoStatus(code)
            guard status.isSuccess else { throw MQTTError(operation, status) }
        }
        try check(mosquitto_threaded_set(pointer, true), "threaded mode")
        try check(mosquitto_int_option(pointer, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311), "protocol version")
        try check(
            mosquitto_max_inflight_messages_set(pointer, UInt32(clamping: max(0, configuration.maxInflightMessages))),
            "max inflight messages")
        if let username = configuration.username {
            try check(mosquitto_username_pw_set(pointer, username, configuration.password), "user name and password")
        }
        if let will = configuration.will {
            let code = will.payload.withUnsafeBytes { bytes in
                mosquitto_will_set(
                    pointer, will.topic, Int32(clamping: bytes.count), bytes.baseAddress,
                    Int32(will.qos.rawValue), will.retain)
            }
            try check(code, "will on \(will.topic)")
        }
        if let caFile = configuration.caFile {
            try check(mosquitto_tls_set(pointer, caFile, nil, nil, nil, nil), "TLS with CA file \(caFile)")
        }
    }

    deinit {
        assert(destroyed, "MosquittoHandle released without destroy()")
    }

    /// Points libmosquitto's `userdata` at `events` (retained until ``destroy()``) and
    /// installs the callbacks. Call once, before connecting.
    func attach(_ events: any MosquittoEvents) {
        let context = MosquittoContext(events: events)
        let retained = Unmanaged.passRetained(context)
        self.context = retained
        mosquitto_user_data_set(pointer, retained.toOpaque())
        installCallbacks()
    }

    /// Sets the user name and password of the next CONNECT (`nil`: none), for a client
    /// that fails over to a broker with other credentials. Call on the network thread,
    /// before ``connectAsync(host:port:keepAlive:)``.
    func setCredentials(username: String?, password: String?) -> MosquittoStatus {
        MosquittoStatus(mosquitto_username_pw_set(pointer, username, username == nil ? nil : password))
    }

    /// Starts connecting without waiting: resolves the host (this blocks), opens a
    /// non-blocking TCP connection and queues CONNECT; the loop does the rest.
    func connectAsync(host: String, port: Int, keepAlive: Duration) -> MosquittoStatus {
        let seconds = Int32(clamping: max(5, keepAlive.components.seconds))
        return MosquittoStatus(mosquitto_connect_async(pointer, host, Int32(clamping: port), seconds))
    }

    /// One round of network work, as `mosquitto_loop` does it but on a `poll` of our own:
    /// waits up to `timeoutMilliseconds` for the socket or for `wake`, reads what arrived
    /// (running the callbacks) when `reading`, writes what is queued when `mayWrite()`, and
    /// sends keepalives. `mayWrite` is asked again after the read, whose callbacks may
    /// have queued PUBACKs of messages the consumer has not seen: while it says no,
    /// nothing reaches the broker. That is how ``MQTTAcknowledgement/afterHandled`` holds
    /// acknowledgements back. Only the network thread calls this.
    func loop(timeoutMilliseconds: Int32, wake: WakePipe, reading: Bool, mayWrite: () -> Bool) -> MosquittoStatus {
        let socket = mosquitto_socket(pointer)
        guard socket >= 0 else { return MosquittoStatus(Int32(MOSQ_ERR_NO_CONN.rawValue)) }
        var events = reading ? Int16(POLLIN) : 0
        if mayWrite() && wantsWrite {
            events |= Int16(POLLOUT)
        }
        var descriptors = [
            pollfd(fd: socket, events: events, revents: 0),
            pollfd(fd: wake.readDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        if poll(&descriptors, 2, timeoutMilliseconds) < 0 {
            return errno == EINTR ? .success : MosquittoStatus(Int32(MOSQ_ERR_ERRNO.rawValue))
        }
        let woken = descriptors[1].revents != 0
        if woken { wake.drain() }
        let ready = descriptors[0].revents
        // A hang-up or an error is read even while reading waits: that is how the loss
        // of the connection is noticed.
        if ready & Int16(POLLHUP | POLLERR) != 0 || (reading && ready & Int16(POLLIN) != 0) {
            let status = MosquittoStatus(mosquitto_loop_read(pointer, 1))
            guard status.isSuccess, mosquitto_socket(pointer) >= 0 else { return status }
        }
        // As mosquitto_loop: write when the socket can take it, or when woken (by a
        // publish or an acknowledgement queued since the poll began).
        if ready & Int16(POLLOUT) != 0 || woken, wantsWrite, mayWrite() {
            let status = MosquittoStatus(mosquitto_loop_write(pointer, 1))
            guard status.isSuccess, mosquitto_socket(pointer) >= 0 else { return status }
        }
        return MosquittoStatus(mosquitto_loop_misc(pointer))
    }

    /// Whether libmosquitto has something queued to write (`mosquitto_want_write`).
    var wantsWrite: Bool {
        mosquitto_want_write(pointer)
    }

    /// Queues a message (`mosquitto_publish`); returns its message id.
    func publish(topic: String, payload: [UInt8], qos: MQTTQoS, retain: Bool) -> (MosquittoStatus, mid: Int32) {
        var mid: Int32 = 0
        let code = payload.withUnsafeBytes { bytes in
            mosquitto_publish(
                pointer, &mid, topic, Int32(clamping: bytes.count), bytes.baseAddress, Int32(qos.rawValue), retain)
        }
        return (MosquittoStatus(code), mid)
    }

    /// Sends SUBSCRIBE (`mosquitto_subscribe`); returns its message id.
    func subscribe(_ filter: String, qos: MQTTQoS) -> (MosquittoStatus, mid: Int32) {
        var mid: Int32 = 0
        let code = mosquitto_subscribe(pointer, &mid, filter, Int32(qos.rawValue))
        return (MosquittoStatus(code), mid)
    }

    /// Sends UNSUBSCRIBE (`mosquitto_unsubscribe`); returns its message id.
    func unsubscribe(_ filter: String) -> (MosquittoStatus, mid: Int32) {
        var mid: Int32 = 0
        let code = mosquitto_unsubscribe(pointer, &mid, filter)
        return (MosquittoStatus(code), mid)
    }

    /// Queues DISCONNECT and tells the network loop to stop reconnecting.
    @discardableResult
    func disconnect() -> MosquittoStatus {
        MosquittoStatus(mosquitto_disconnect(pointer))
    }

    /// `mosquitto_destroy`, then releases the retained context. Idempotent.
    func destroy() {
        guard !destroyed else { return }
        destroyed = true
        mosquitto_destroy(pointer)
        context?.release()
        context = nil
    }

    /// Lends the C pointer to the callback installer (``installCallbacks()``).
    func withPointer<T>(_ body: (OpaquePointer) -> T) -> T {
        body(pointer)
    }

    /// Whether `filter` is a valid subscription filter (`mosquitto_sub_topic_check`).
    static func checkFilter(_ filter: String) -> MosquittoStatus {
        MosquittoStatus(mosquitto_sub_topic_check(filter))
    }

    /// Whether `topic` is a valid topic to publish to (`mosquitto_pub_topic_check`).
    static func checkTopic(_ topic: String) -> MosquittoStatus {
        MosquittoStatus(mosquitto_pub_topic_check(topic))
    }
}
