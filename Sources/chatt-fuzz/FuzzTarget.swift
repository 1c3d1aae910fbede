import ChatCore
import ChatMemorize

/// One fuzzer input, read as memorize reads standard input: split into lines, each line
/// `<topic> <payload>` understood as the daemon understands it. Checks what must hold for
/// any input: nothing crashes or hangs, and whatever parses survives a round trip.
enum FuzzTarget {
    static func run(_ input: UnsafeBufferPointer<UInt8>) {
        for line in input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            guard let item = try? InputLine.parse(line, receivedAt: 0) else { continue }
            _ = IngestEvent(parsing: item, limits: .default)
            _ = IngestEvent(parsing: item, limits: PayloadLimits(maximumTextBytes: 8, maximumIDBytes: 4))
            check(item)
        }
        // The payload parsers on the whole input too, whatever its topic would be.
        _ = try? NewTextPayload(decoding: input)
        _ = try? HelloPayload(decoding: input)
        _ = try? LogoutPayload(decoding: input)
        if let text = String(validating: input, as: UTF8.self) {
            _ = try? RoomName(text)
            _ = try? Nickname(text)
        }
    }

    private static func check(_ item: IngestItem) {
        guard let topic = try? Topic(parsing: item.topic) else { return }
        precondition(topic.description == item.topic, "topic round trip: \(item.topic)")
        switch topic {
        case .roomText:
            if let payload = try? NewTextPayload(decoding: item.payload) {
                precondition((try? NewTextPayload(decoding: payload.jsonBytes)) == payload, "newtext round trip")
            }
        case .hello:
            if let hello = try? HelloPayload(decoding: item.payload) {
                precondition((try? HelloPayload(decoding: hello.jsonBytes)) == hello, "hello round trip")
            }
        case .logout, .roomCreated:
            break
        case .roomEdit, .roomDelete, .roomReact, .roomTyping, .roomTopic, .roomArchive, .presence, .key, .direct:
            // Every v2 payload that parses encodes back to itself.
            if let event = try? ChatEvent(topic: item.topic, payload: item.payload) {
                precondition(Self.reencoded(event) == event, "v2 round trip: \(item.topic)")
            }
        }
    }

    private static func reencoded(_ event: ChatEvent) -> ChatEvent? {
        let bytes: [UInt8]
        switch event {
        case .edit(_, let payload): bytes = payload.jsonBytes
        case .delete(_, let payload): bytes = payload.jsonBytes
        case .react(_, let payload): bytes = payload.jsonBytes
        case .typing(_, let payload): bytes = payload.jsonBytes
        case .roomTopic(_, let payload): bytes = payload.jsonBytes
        case .roomArchive(_, let payload): bytes = payload.jsonBytes
        case .presence(_, let payload): bytes = payload.jsonBytes
        case .key(_, let payload): bytes = payload.jsonBytes
        case .direct(let payload): bytes = payload.jsonBytes
        case .message, .roomCreated, .hello, .logout: return event
        }
        return try? ChatEvent(topic: event.topic.description, payload: bytes)
    }
}
