/// One message as it arrived, from standard input or from the broker, not yet understood.
package struct IngestItem: Sendable {
    /// The MQTT topic.
    package var topic: String
    /// The payload bytes.
    package var payload: [UInt8]
    /// When it arrived, milliseconds since 1970.
    package var receivedAt: Int64
    /// Whether the broker sent it from its retained store (the topic's last message kept
    /// for new subscribers) rather than as a new publication.
    package var retained: Bool

    /// Creates an item.
    package init(topic: String, payload: [UInt8], receivedAt: Int64, retained: Bool = false) {
        self.topic = topic
        self.payload = payload
        self.receivedAt = receivedAt
        self.retained = retained
    }
}

/// One input line that could not be read as `<topic> <payload>`.
package enum InputLineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An empty (or blank) line.
    case empty
    /// The topic is not valid UTF-8.
    case topicNotUTF8
    /// The line is longer than the limit; it was skipped whole.
    case tooLong(limit: Int)

    package var description: String {
        switch self {
        case .empty: "empty line"
        case .topicNotUTF8: "the topic is not valid UTF-8"
        case .tooLong(let limit): "line longer than \(limit) bytes"
        }
    }
}

/// Reads the lines `mosquitto_sub -v` prints: the topic, one space, the payload.
package enum InputLine {
    /// Splits a line (without its newline) at the first space. A line with no space is a
    /// topic with an empty payload, as `mosquitto_sub -v` prints it. A trailing `\r` is
    /// dropped.
    package static func parse(_ line: some Collection<UInt8>, receivedAt: Int64) throws(InputLineError) -> IngestItem {
        var bytes = Array(line)
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard bytes.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) else { throw .empty }
        let space = bytes.firstIndex(of: UInt8(ascii: " ")) ?? bytes.endIndex
        guard let topic = String(validating: bytes[..<space], as: UTF8.self) else { throw .topicNotUTF8 }
        let payload = space < bytes.endIndex ? Array(bytes[(space + 1)...]) : []
        return IngestItem(topic: topic, payload: payload, receivedAt: receivedAt)
    }
}
