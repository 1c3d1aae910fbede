internal import ChatStore

/// A history entry's sixth element (SPEC.md, protocol v2):
/// `{"replyTo": id, "edited": ts, "deleted": true, "reactions": {"👍": ["alice", "bob"]},
/// "sig": "verified" | "forged"}` (`sig` only for a nickname with a pinned key),
/// each key present only when it has something.
struct MessageExtrasEntry: Encodable, Sendable {
    let extras: MessageExtras

    init(_ extras: MessageExtras) {
        self.extras = extras
    }

    private enum Key: String, CodingKey {
        case replyTo, edited, deleted, reactions, sig
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encodeIfPresent(extras.replyTo, forKey: .replyTo)
        try container.encodeIfPresent(extras.edited, forKey: .edited)
        if extras.deleted { try container.encode(true, forKey: .deleted) }
        if !extras.reactions.isEmpty { try container.encode(extras.reactions, forKey: .reactions) }
        try container.encodeIfPresent(extras.sig?.rawValue, forKey: .sig)
    }

    /// About how many bytes the element takes as JSON, never fewer.
    static func estimatedSize(_ extras: MessageExtras) -> Int {
        var size = 80 + (extras.replyTo.map(MessageEntry.jsonStringSize) ?? 0)
        for (emoji, authors) in extras.reactions {
            size += MessageEntry.jsonStringSize(emoji) + 4
            for author in authors { size += MessageEntry.jsonStringSize(author) + 1 }
        }
        return size
    }
}
