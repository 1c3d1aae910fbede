internal import CMosquitto

/// A libmosquitto result code (`MOSQ_ERR_…`) with its text, read at once (for
/// `MOSQ_ERR_ERRNO` the text comes from `errno`, which the next call may change).
struct MosquittoStatus: Sendable, Hashable {
    /// The raw code.
    let code: Int32
    /// `mosquitto_strerror(code)`.
    let text: String

    init(_ code: Int32) {
        self.code = code
        self.text = code == 0 ? "No error." : String(cString: mosquitto_strerror(code))
    }

    static let success = MosquittoStatus(0)

    var isSuccess: Bool { code == Self.raw(MOSQ_ERR_SUCCESS) }
    /// The client has no connection at the moment (publishing QoS 0, subscribing).
    var isNoConnection: Bool { code == Self.raw(MOSQ_ERR_NO_CONN) }
    /// An argument was rejected (a bad topic or filter, a payload too large, …).
    var isInvalidArgument: Bool {
        code == Self.raw(MOSQ_ERR_INVAL) || code == Self.raw(MOSQ_ERR_PAYLOAD_SIZE)
            || code == Self.raw(MOSQ_ERR_MALFORMED_UTF8) || code == Self.raw(MOSQ_ERR_OVERSIZE_PACKET)
    }

    private static func raw(_ value: mosq_err_t) -> Int32 { Int32(truncatingIfNeeded: value.rawValue) }

    /// `mosquitto_connack_string`: the broker's reason for refusing a connection.
    static func connackText(_ code: Int32) -> String {
        String(cString: mosquitto_connack_string(code))
    }
}

extension MQTTError {
    /// A failed operation on a topic or filter, in libmosquitto's words.
    init(_ operation: String, _ status: MosquittoStatus) {
        let kind: Kind = status.isInvalidArgument ? .invalidArgument : .library
        self.init(kind: kind, message: "\(operation): \(status.text)", code: Int(status.code))
    }

    /// The TCP/TLS connection could not be made.
    static func unreachable(_ address: String, _ status: MosquittoStatus) -> MQTTError {
        MQTTError(kind: .unreachable, message: "cannot reach the broker at \(address): \(status.text)", code: Int(status.code))
    }

    /// The broker refused the CONNECT.
    static func refused(_ address: String, connack code: Int32) -> MQTTError {
        MQTTError(
            kind: .refused,
            message: "the broker at \(address) refused the connection: \(MosquittoStatus.connackText(code))",
            code: Int(code))
    }

    /// An established connection ended.
    static func connectionLost(_ address: String, _ status: MosquittoStatus) -> MQTTError {
        MQTTError(kind: .connectionLost, message: "lost the connection to the broker at \(address): \(status.text)", code: Int(status.code))
    }

    /// The client was closed while the operation waited.
    static func closed(_ operation: String) -> MQTTError {
        MQTTError(kind: .closed, message: "\(operation): the client was disconnected")
    }

    static func cancelled(_ operation: String) -> MQTTError {
        MQTTError(kind: .cancelled, message: "\(operation): cancelled before the broker answered")
    }
}
