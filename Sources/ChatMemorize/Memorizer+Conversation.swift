import ChatStore
import Logging

extension Memorizer {
    /// Logs what the store did with a batch's v2 events: refusals (somebody else's
    /// message) and held events dropped at the bound, as warnings. Refusals are
    /// rate-limited as skipped input is: the first 20, then one in a thousand.
    func noteConversation(_ outcome: ConversationOutcome) {
        for refusal in outcome.refused {
            conversationRefusals += 1
            guard conversationRefusals <= 20 || conversationRefusals % 1_000 == 0 else { continue }
            logger.warning("a v2 event was not applied", metadata: [
                "refused": "\(conversationRefusals)",
                "kind": "\(refusal.event.kind.name)", "id": "\(refusal.event.eventID)", "author": "\(refusal.event.author)",
                "target": "\(refusal.event.target)", "reason": "\(refusal.reason)",
            ])
        }
        if outcome.droppedHeld > 0 {
            logger.warning("dropped the oldest held v2 events: too many wait for a message that never came",
                           metadata: ["dropped": "\(outcome.droppedHeld)"])
        }
        if outcome.applied + outcome.held + outcome.duplicates > 0 {
            logger.debug("v2 events", metadata: [
                "applied": "\(outcome.applied)", "held": "\(outcome.held)", "duplicates": "\(outcome.duplicates)",
            ])
        }
    }
}
