/// What protocol v2 adds to a stored message: the history entry's sixth element
/// (SPEC.md), present only when it has something.
public struct MessageExtras: Sendable, Hashable {
    /// The id of the message this one replies to.
    public var replyTo: String?
    /// When it was last edited (ms), if ever.
    public var edited: Int64?
    /// Whether it was deleted (its text is then `""`).
    public var deleted: Bool
    /// Reactions: emoji → the authors who gave it, in the order they did.
    public var reactions: [String: [String]]
    /// The earlier texts of an edited message, oldest first. Read for the export only
    /// (``MessageStore/forEachMessage(_:)``); the history API does not show them.
    public var history: [EarlierText] = []
    /// Whether its author's pinned key signed it; `nil` for a plain message.
    public var sig: SignatureVerdict?

    /// Creates the value.
    public init(replyTo: String? = nil, edited: Int64? = nil, deleted: Bool = false, reactions: [String: [String]] = [:],
                sig: SignatureVerdict? = nil) {
        self.sig = sig
        self.replyTo = replyTo
        self.edited = edited
        self.deleted = deleted
        self.reactions = reactions
    }

    /// Whether there is nothing to say (the entry keeps the original's shape then).
    public var isEmpty: Bool { replyTo == nil && edited == nil && !deleted && reactions.isEmpty && history.isEmpty && sig == nil }

    /// `self`, or `nil` when empty.
    public var nonEmpty: MessageExtras? { isEmpty ? nil : self }
}
