import ChatCore
import ChatStore

/// A batch of events whose signatures were checked before it reaches the single writer
/// (see ``Memorizer/check(_:)``): Ed25519 verification is CPU work independent per event,
/// so it runs on every core, and for the next batch while the one before is being stored.
///
/// Each verdict remembers the key it was checked against: when the writer's pins differ
/// (a key announced in an earlier batch, pins read again), the event is checked again
/// there, so the verdict is always the one the writer's pins give.
package struct CheckedBatch: Sendable {
    /// The events, in the order they came.
    package var events: [IngestEvent]
    /// By index in ``events``: the verdict on a signed event and the key it was checked against.
    var verdicts: [Int: CheckedVerdict]

    /// A batch nothing was checked for yet.
    package init(unchecked events: [IngestEvent]) {
        self.events = events
        self.verdicts = [:]
    }

    init(events: [IngestEvent], verdicts: [Int: CheckedVerdict]) {
        self.events = events
        self.verdicts = verdicts
    }
}

/// What one event's signature was found to be, and under which key.
struct CheckedVerdict: Sendable, Hashable {
    /// The author's pinned keys the signature was checked against.
    var identity: PublicIdentity
    /// What was found.
    var verdict: SignatureVerdict
}

extension IngestEvent {
    /// Who an event that must be signed says wrote it: a message, an edit, delete or
    /// reaction, or a direct message; `nil` for the rest. (Cheap: the signature input is
    /// only made, by ``signature``, for an author with a pinned key.)
    var claimedAuthor: String? {
        switch self {
        case .message(_, let payload, _): payload.author.rawValue
        case .conversation(let event, _): event.author
        case .direct(let payload, _): payload.from.rawValue
        default: nil
        }
    }

    /// What the ``claimedAuthor`` must have signed, and the signature that came.
    var signature: EventSignature? {
        switch self {
        case .message(let room, let payload, _): EventSignature(input: .message(payload, in: room), sig: payload.sig)
        case .conversation(_, let signature): signature
        case .direct(let payload, _): EventSignature(input: .direct(payload), sig: payload.sig)
        default: nil
        }
    }
}
