internal import ChatCore
/// Writes all history as JSON Lines, oldest first, one
/// `{"room","author","text","ts","id"}` object a line (`id` is `null` when the sender
/// gave none). Protocol v2 adds, only when they have something, `"replyTo"` (an id),
/// `"edited"` (ms), `"deleted": true` (the text is then `""`), `"reactions"`
/// (`{"👍": ["ann", "bob"]}`) and `"history"` (an edited message's earlier texts, oldest
/// first: `[{"text","ts"}]`): an older importer ignores them. ``JSONLinesImport`` reads it back.
public enum JSONLinesExport {
    /// Streams every message of `store` to `write`, chunk by chunk; returns the count.
    @discardableResult
    public static func export(_ store: some MessageStore, to write: @escaping @Sendable ([UInt8]) -> Void) async throws -> Int {
        let counter = Counter()
        try await store.forEachMessage { chunk in
            var out: [UInt8] = []
            out.reserveCapacity(chunk.count * 96)
            for message in chunk {
                line(for: message, into: &out)
            }
            write(out)
            counter.add(chunk.count)
        }
        return counter.value
    }

    /// One line, with its newline.
    static func line(for message: StoredMessage, into out: inout [UInt8]) {
        out.append(contentsOf: #"{"room":"#.utf8)
        JSONString.append(message.room.rawValue, to: &out)
        out.append(contentsOf: #","author":"#.utf8)
        JSONString.append(message.author, to: &out)
        out.append(contentsOf: #","text":"#.utf8)
        JSONString.append(message.text, to: &out)
        out.append(contentsOf: #","ts":"#.utf8)
        out.append(contentsOf: String(message.ts).utf8)
        out.append(contentsOf: #","id":"#.utf8)
        if let id = message.messageID { JSONString.append(id, to: &out) } else { out.append(contentsOf: "null".utf8) }
        if let extras = message.extras { appendExtras(extras, to: &out) }
        out.append(contentsOf: "}\n".utf8)
    }

    private static func appendExtras(_ extras: MessageExtras, to out: inout [UInt8]) {
        if let replyTo = extras.replyTo {
            out.append(contentsOf: #","replyTo":"#.utf8)
            JSONString.append(replyTo, to: &out)
        }
        if let edited = extras.edited { out.append(contentsOf: #","edited":\#(edited)"#.utf8) }
        if extras.deleted { out.append(contentsOf: #","deleted":true"#.utf8) }
        if !extras.history.isEmpty {
            out.append(contentsOf: #","history":["#.utf8)
            for (index, earlier) in extras.history.enumerated() {
                out.append(contentsOf: (index > 0 ? #",{"text":"# : #"{"text":"#).utf8)
                JSONString.append(earlier.text, to: &out)
                out.append(contentsOf: #","ts":\#(earlier.ts)}"#.utf8)
            }
            out.append(UInt8(ascii: "]"))
        }
        guard !extras.reactions.isEmpty else { return }
        out.append(contentsOf: #","reactions":{"#.utf8)
        for (index, (emoji, authors)) in extras.reactions.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONString.append(emoji, to: &out)
            out.append(contentsOf: ":[".utf8)
            for (position, author) in authors.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                JSONString.append(author, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
    }

    private final class Counter: @unchecked Sendable {
        // Only touched from the sequential chunks of one export.
        var value = 0
        func add(_ count: Int) { value += count }
    }
}

/// JSON string literals, written straight into a byte buffer.
public enum JSONString {
    /// Appends `text` as a quoted JSON string: `"`, `\` and control characters escaped,
    /// and U+2028/U+2029 too, so the output is also safe inside a script.
    public static func append(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append(contentsOf: #"\""#.utf8)
            case "\\": out.append(contentsOf: #"\\"#.utf8)
            case "\n": out.append(contentsOf: #"\n"#.utf8)
            case "\r": out.append(contentsOf: #"\r"#.utf8)
            case "\t": out.append(contentsOf: #"\t"#.utf8)
            case "\u{2028}", "\u{2029}": out.append(contentsOf: scalar == "\u{2028}" ? #"\u2028"#.utf8 : #"\u2029"#.utf8)
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out.append(contentsOf: (#"\u"# + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
                } else {
                    out.append(contentsOf: String(scalar).utf8)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
