package import ChatCore
package import ChatStore
import Crypto

/// A message understood: what the topic and payload mean for the chat, or why it was
/// skipped. Parsing is a pure function, so it runs where the message arrives (the stdin
/// thread, the MQTT task), in parallel with the storing.
package enum IngestEvent: Sendable, Hashable {
    /// A message in a room, received at the given time (ms since 1970).
    case message(RoomName, NewTextPayload, receivedAt: Int64)
    /// A room became known (`rooms/<room>/new`).
    case room(RoomName)
    /// A user said hello.
    case hello(Nickname, address: String, receivedAt: Int64)
    /// A user left.
    case logout(Nickname)
    /// A room's topic or archive state (`rooms/<room>/topic`, `rooms/<room>/archive`).
    case roomSetting(RoomSettingChange)
    /// An edit, a delete or a reaction (protocol v2), for the store to apply, and its
    /// signature, checked when its author has a pinned key.
    case conversation(ConversationEvent, signature: EventSignature)
    /// A nickname's public keys (`users/<nick>/key`), self-signed: pinned on first use.
    case key(Nickname, KeyAnnouncementPayload)
    /// A direct message (`direct/<a>/<b>`), stored as it came.
    case direct(DirectPayload, receivedAt: Int64)
    /// A user's presence (`users/<nick>/presence`): online, away or offline.
    case presence(Nickname, PresencePayload.State, receivedAt: Int64)
    /// Input that is not a valid message, with the reason; counted and logged, not stored.
    case skipped(reason: String, kind: String, detail: String?)
    /// A valid event memorize has nothing to do with (`rooms/<room>/typing`, say): it makes
    /// no room known (SPEC.md: only `newtext` and `new` do), and is not an error.
    case ignored(topic: String)
    /// A QoS 0 message dropped before parsing because the queue was full (see
    /// ``IngestQueue``): kept in line only so that acknowledgements stay in order.
    case dropped

    /// Understands one raw message.
    package init(parsing item: IngestItem, limits: PayloadLimits) {
        let topic: Topic
        do {
            topic = try Topic(parsing: item.topic)
        } catch .unknownRoomEvent {
            self = .ignored(topic: item.topic)
            return
        } catch {
            self = .skipped(reason: error.description, kind: "topic", detail: nil)
            return
        }
        do {
            switch topic {
            case .roomText(let room):
                var payload = try NewTextPayload(decoding: item.payload, limits: limits)
                if item.retained, payload.id == nil {
                    // A retained message is the broker's copy of an old one, handed to every
                    // new subscriber: without an id it was stored again on every start.
                    // Its id is then made from what it is, so it is stored once. (It is not
                    // simply skipped: amqtt sets the retain flag on what it queued for a
                    // persistent session while memorize was away.)
                    payload.id = Self.retainedID(topic: item.topic, payload: item.payload)
                }
                self = .message(room, payload, receivedAt: item.receivedAt)
            case .roomCreated(let room):
                self = .room(room)
            case .hello(let nick):
                self = .hello(nick, address: try HelloPayload(decoding: item.payload).ipAddress, receivedAt: item.receivedAt)
            case .logout(let nick):
                _ = try LogoutPayload(decoding: item.payload)
                self = .logout(nick)
            case .roomTopic(let room):
                self = .roomSetting(.topic(room, RoomTopic(try RoomTopicPayload(decoding: item.payload))))
            case .roomArchive(let room):
                self = .roomSetting(.archive(room, RoomArchive(try RoomArchivePayload(decoding: item.payload))))
            case .roomEdit(let room):
                let payload = try EditPayload(decoding: item.payload, limits: limits)
                self = .conversation(ConversationEvent(room: room, edit: payload, receivedAt: item.receivedAt),
                                     signature: EventSignature(input: .edit(payload, in: room), sig: payload.sig))
            case .roomDelete(let room):
                let payload = try DeletePayload(decoding: item.payload)
                self = .conversation(ConversationEvent(room: room, delete: payload, receivedAt: item.receivedAt),
                                     signature: EventSignature(input: .delete(payload, in: room), sig: payload.sig))
            case .roomReact(let room):
                let payload = try ReactPayload(decoding: item.payload)
                self = .conversation(ConversationEvent(room: room, react: payload, receivedAt: item.receivedAt),
                                     signature: EventSignature(input: .react(payload, in: room), sig: payload.sig))
            case .presence(let nick):
                self = .presence(nick, try PresencePayload(decoding: item.payload).state, receivedAt: item.receivedAt)
            case .key(let nick):
                self = .key(nick, try KeyAnnouncementPayload(decoding: item.payload, of: nick))
            case .direct:
                self = .direct(try DirectPayload(decoding: item.payload, topic: item.topic), receivedAt: item.receivedAt)
            case .roomTyping:
                // Typing is never stored, and makes no room known.
                self = .ignored(topic: item.topic)
            }
        } catch {
            self = .skipped(reason: error.description, kind: "payload", detail: "topic \(item.topic)")
        }
    }
}

extension IngestEvent {
    /// Roughly how many bytes the event holds while it waits: its message's text and
    /// author (what a flood of large messages grows).
    package var heldBytes: Int {
        switch self {
        case .message(_, let payload, _): return payload.text.utf8.count + payload.author.rawValue.utf8.count + 64
        case .direct(let payload, _): return payload.ct.utf8.count + 256
        case .conversation(let event, _):
            if case .edit(let text) = event.kind { return text.utf8.count + 128 }
            return 128
        default: return 64
        }
    }
}

extension IngestEvent {
    /// The id given to a retained message that has none: `retained-` and the first 16
    /// bytes of the SHA-256 of its topic and payload, in hex.
    static func retainedID(topic: String, payload: [UInt8]) -> String {
        var hash = SHA256()
        hash.update(data: Array(topic.utf8) + [0])
        hash.update(data: payload)
        return "retained-" + hash.finalize().prefix(16).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
