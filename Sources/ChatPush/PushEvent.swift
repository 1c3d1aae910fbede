#if WebPush  // the package trait: without it (run.sh's first build) this module is empty
import ChatCore

/// What chatt-push may notify: a message in a room (v1 or v2 `newtext`) or a direct
/// message's envelope (its content is encrypted for the recipient: never read, never sent).
package enum PushEvent: Sendable, Hashable {
    /// `rooms/<room>/newtext`.
    case message(room: String, author: String, text: String, id: String?)
    /// `direct/<a>/<b>`: `from` wrote to `to`.
    case direct(from: String, to: String, id: String)

    /// The event a broker message carries, or `nil` for any other topic or a payload that
    /// does not parse (nothing to notify).
    package init?(topic: String, payload: [UInt8]) {
        guard let parsed = try? Topic(parsing: topic) else { return nil }
        switch parsed {
        case .roomText(let room):
            guard let text = try? NewTextPayload(decoding: payload) else { return nil }
            self = .message(room: room.rawValue, author: text.author.rawValue, text: text.text, id: text.id)
        case .direct:
            guard let direct = try? DirectPayload(decoding: payload, topic: topic) else { return nil }
            self = .direct(from: direct.from.rawValue, to: direct.to.rawValue, id: direct.id.rawValue)
        default:
            return nil
        }
    }

    /// The sender's id of the event, to notify a message delivered twice once.
    var id: String? {
        switch self {
        case .message(_, _, _, let id): id
        case .direct(_, _, let id): id
        }
    }
}
#endif
