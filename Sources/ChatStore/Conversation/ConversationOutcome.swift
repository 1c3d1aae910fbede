/// What a write did with its ``ConversationEvent``s (part of ``StoreWriteResult``).
public struct ConversationOutcome: Sendable, Hashable {
    /// Events applied (held ones applied once their target came included).
    public var applied = 0
    /// Events held because their target is not stored yet.
    public var held = 0
    /// Events not applied again because their id was applied or held already.
    public var duplicates = 0
    /// Held events dropped, oldest first, to keep the held count at its bound.
    public var droppedHeld = 0
    /// Events not applied because the rules refuse them (somebody else's message, another
    /// room), each with the reason: memorize logs them.
    public var refused: [Refusal] = []

    /// An event not applied, and why.
    public struct Refusal: Sendable, Hashable, CustomStringConvertible {
        /// The event.
        public var event: ConversationEvent
        /// Why, in words.
        public var reason: String

        public var description: String { "\(event.kind.name) \(event.eventID) by \(event.author) on \(event.target): \(reason)" }
    }

    /// Nothing done.
    public init() {}

    /// Adds `other`'s counts.
    public mutating func merge(_ other: ConversationOutcome) {
        applied += other.applied
        held += other.held
        duplicates += other.duplicates
        droppedHeld += other.droppedHeld
        refused += other.refused
    }
}
