internal import ChatCore
/// Writes all history as JSON Lines, oldest first, one
/// `{"room","author","text","ts","id"}` object a line (`id` is `null` when the sender
/// gave none). Protocol v2 adds, only when they have something, `"replyTo"` (an id),
/// `"edited"` (ms), `"deleted": true` (the text is then `""`), `"reactions"`
/// (`{"👍": ["ann", "bob"]}`) and `"history"` (an edited message's earlier texts, oldest
/// first: `[{"text","ts"}]`) and `"sig"` (the verdict on a signed nickname's message,
/// `"verified"` / `"forged"`): an older importer ignores them.
///
/// Issue 17 adds, after the messages, two kinds of line that an older importer skips:
/// each direct message as it came, `{"direct": {"from","to","id","ts","nonce","ct","sig"},
/// "receivedAt": ms, "verdict": "verified"|"forged"}` (`verdict` only when the sender had
/// a pinned key), and each pinned key, `{"pinnedKey": "<nick>", "sign", "dh"}` (not
/// `bot`'s: every memorize pins its own; `bot`'s private key is a secret and is not
/// exported). ``JSONLinesImport`` reads it all back.
public enum JSONLinesExport {
    /// Streams every message, then every direct message and pinned key, of `store` to
    /// `write`, chunk by chunk; returns the count of messages.
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
        try await store.forEachDirectMessage { chunk in
            var out: [UInt8] = []
            out.reserveCapacity(chunk.count * 256)
            for direct in chunk {
                line(for: direct, into: &out)
            }
            write(out)
        }
        var pins: [UInt8] = []
        for (nick, identity) in try await store.pinnedKeys().sorted(by: { $0.key < $1.key }) where nick != Nickname.bot.rawValue {
            pins.append(contentsOf: #"{"pinnedKey":"#.utf8)
            JSONString.append(nick, to: &pins)
            pins.append(contentsOf: #","sign":"#.utf8)
            JSONString.append(identity.sign, to: &pins)
            pins.append(contentsOf: #","dh":"#.utf8)
            JSONString.append(identity.dh, to: &pins)
            pins.append(contentsOf: "}\n".utf8)
        }
        if !pins.isEmpty { write(pins) }
        return counter.value
    }

    /// A direct message's line, with its newline.
    static func line(for direct: DirectMessage, into out: inout [UInt8]) {
        out.append(contentsOf: #"{"direct":{"from":"#.utf8)
        JSONString.append(direct.from, to: &out)
        out.append(contentsOf: #","to":"#.utf8)
        JSONString.append(direct.to, to: &out)
        out.append(contentsOf: #","id":"#.utf8)
        JSONString.append(direct.id, to: &out)
        out.append(contentsOf: #","ts":\#(direct.ts),"nonce":"#.utf8)
        JSONString.append(direct.nonce, to: &out)
        out.append(contentsOf: #","ct":"#.utf8)
        JSONString.append(direct.ct, to: &out)
        out.append(contentsOf: #","sig":"#.utf8)
        JSONString.append(direct.sig, to: &out)
        out.append(contentsOf: #"},"receivedAt":\#(direct.receivedAt)"#.utf8)
        if let verdict = direct.verdict { out.append(contentsOf: #","verdict":"\#(verdict.rawValue)""#.utf8) }
        out.append(contentsOf: "}\n".utf8)
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
        if let sig = extras.sig { out.append(contentsOf: #","sig":"\#(sig.rawValue)""#.utf8) }
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
