#if WebPush  // the package trait: without it (run.sh's first build) this module is empty
package import ChatStore

/// Who is notified of an event, by the rules of issue 19: a message notifies the
/// subscriptions of members it mentions and of members who chose "all" for its room; a
/// direct message notifies its recipient's. Never the sender's own subscriptions; a room
/// set to "none" (mute) notifies nothing, not even a mention.
package enum PushRecipients {
    /// Each subscription to notify of `event`, with what to show.
    package static func select(for event: PushEvent, among subscriptions: [StoredPushSubscription]) -> [(StoredPushSubscription, PushNotification)] {
        switch event {
        case .message(let room, let author, let text, _):
            return subscriptions.compactMap { subscription in
                guard subscription.nick != author else { return nil }
                let mention = Mention.mentions(text, nick: subscription.nick)
                switch subscription.mode(for: room) {
                case .none: return nil
                case .mentions where !mention: return nil
                case .mentions, .all:
                    return (subscription, .message(room: room, author: author, text: text, mention: mention))
                }
            }
        case .direct(let from, let to, _):
            guard from != to else { return [] }
            return subscriptions.filter { $0.nick == to }.map { ($0, .direct(from: from)) }
        }
    }
}
#endif
