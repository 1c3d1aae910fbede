internal import ChatCore
/// The few operations a store gives ``ConversationRules`` inside one write transaction;
/// the rules (who may do what, once per id, hold until the target comes) live in one place
/// for every store.
package protocol ConversationLedger {
    /// A stored message as the rules need it.
    typealias Target = ConversationTarget

    /// Whether an event with this id was applied (or refused) or is held.
    func knowsEvent(_ eventID: String) throws -> Bool
    /// Remembers that the event was dealt with (applied or refused).
    mutating func markDone(_ eventID: String) throws
    /// The message whose sender id is `messageID`, if stored.
    func target(_ messageID: String) throws -> Target?
    /// Keeps `event` until its target arrives.
    mutating func hold(_ event: ConversationEvent) throws
    /// How many events are held.
    func heldCount() throws -> Int
    /// Whether any event is held.
    func hasHeld() throws -> Bool
    /// Drops the oldest held event; returns whether there was one.
    mutating func dropOldestHeld() throws -> Bool
    /// Removes and returns the events held for `messageID`, in the order they came.
    mutating func takeHeld(for messageID: String) throws -> [ConversationEvent]
    /// Keeps an earlier text of the message `key`.
    mutating func keepEarlierText(_ text: String, ts: Int64, of key: Int64) throws
    /// Sets the text of `target` to `text`, edited at `ts`.
    mutating func replaceText(of target: Target, with text: String, editedAt ts: Int64) throws
    /// Empties the text of `target` and marks it deleted (its earlier texts and reactions go too).
    mutating func tombstone(_ target: Target) throws
    /// Adds (`on`) or removes `author`'s reaction `emoji` on the message `key`.
    mutating func setReaction(_ emoji: String, by author: String, on key: Int64, on: Bool) throws
}

/// A stored message as ``ConversationRules`` need it.
package struct ConversationTarget: Sendable, Hashable {
    package var key: Int64
    package var room: String
    package var author: String
    package var text: String
    /// The message's time (ms).
    package var ts: Int64
    package var edited: Int64?
    package var deleted: Bool

    package init(key: Int64, room: String, author: String, text: String, ts: Int64, edited: Int64?, deleted: Bool) {
        self.key = key
        self.room = room
        self.author = author
        self.text = text
        self.ts = ts
        self.edited = edited
        self.deleted = deleted
    }
}

/// The rules of SPEC.md for edits, deletes and reactions, over any store's ledger.
package enum ConversationRules {
    /// How many events wait for their target at most; past it the oldest is dropped.
    package static let defaultHeldLimit = 10_000

    /// Applies `events` in order, after the held events whose target is among
    /// `arrived` (the sender ids of the messages this write stored).
    package static func apply(
        _ events: [ConversationEvent], arrived: [String], to ledger: inout some ConversationLedger, heldLimit: Int = defaultHeldLimit
    ) throws -> ConversationOutcome {
        var outcome = ConversationOutcome()
        if !arrived.isEmpty, try ledger.hasHeld() {
            for messageID in arrived {
                for event in try ledger.takeHeld(for: messageID) {
                    try applyOne(event, to: &ledger, outcome: &outcome, heldLimit: heldLimit)
                }
            }
        }
        for event in events {
            if try ledger.knowsEvent(event.eventID) {
                outcome.duplicates += 1
                continue
            }
            try applyOne(event, to: &ledger, outcome: &outcome, heldLimit: heldLimit)
        }
        return outcome
    }

    private static func applyOne(
        _ event: ConversationEvent, to ledger: inout some ConversationLedger, outcome: inout ConversationOutcome, heldLimit: Int
    ) throws {
        guard let target = try ledger.target(event.target) else {
            try ledger.hold(event)
            outcome.held += 1
            while try ledger.heldCount() > heldLimit, try ledger.dropOldestHeld() {
                outcome.droppedHeld += 1
            }
            return
        }
        try ledger.markDone(event.eventID)
        func refuse(_ reason: String) {
            outcome.refused.append(.init(event: event, reason: reason))
        }
        guard target.room == event.room.rawValue else {
            return refuse("the target is in room \(target.room), not \(event.room)")
        }
        switch event.kind {
        case .edit(let text):
            guard event.author == target.author else { return refuse("only the author (\(target.author)) may edit a message") }
            guard !target.deleted else { return refuse("the message was deleted") }
            if event.ts >= (target.edited ?? .min) {
                try ledger.keepEarlierText(target.text, ts: target.edited ?? target.ts, of: target.key)
                try ledger.replaceText(of: target, with: text, editedAt: event.ts)
            } else {
                // An older edit that came late: it is history, not the current text.
                try ledger.keepEarlierText(text, ts: event.ts, of: target.key)
            }
        case .delete:
            guard event.author == target.author else { return refuse("only the author (\(target.author)) may delete a message") }
            guard !target.deleted else { break }
            try ledger.tombstone(target)
        case .react(let emoji, let on):
            guard !target.deleted else { return refuse("the message was deleted") }
            try ledger.setReaction(emoji, by: event.author, on: target.key, on: on)
        }
        outcome.applied += 1
    }
}
