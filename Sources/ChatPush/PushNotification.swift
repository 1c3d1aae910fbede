#if WebPush  // the package trait: without it (run.sh's first build) this module is empty
import Foundation

/// What a push carries, encrypted: a small JSON object the page's service worker shows
/// (`web/sw.js`): `{"title","body","room","url"}`, plus `kind` and `from` so that the page can
/// word it in its own language. A direct message says who wrote, never what.
package struct PushNotification: Sendable, Hashable, Codable {
    /// `message`, `mention` or `direct`.
    package var kind: String
    /// The author.
    package var from: String
    /// The notification's title.
    package var title: String
    /// Its text: the message (cut), or "New direct message from X".
    package var body: String
    /// The room, or empty for a direct message.
    package var room: String
    /// Where a click leads, relative to the page: `./?room=<room>` or `./`.
    package var url: String

    /// The longest body sent, in characters: a notification shows a line or two, and the
    /// payload must fit in one record.
    static let maximumBodyCharacters = 240

    /// The notification for a message in `room`.
    package static func message(room: String, author: String, text: String, mention: Bool) -> PushNotification {
        let body = text.count > maximumBodyCharacters ? String(text.prefix(maximumBodyCharacters - 1)) + "…" : text
        return PushNotification(kind: mention ? "mention" : "message", from: author, title: "\(author) in \(room)",
                                body: body, room: room, url: "./?room=\(room)")
    }

    /// The notification for a direct message: who, not what.
    package static func direct(from: String) -> PushNotification {
        PushNotification(kind: "direct", from: from, title: "ChaTT", body: "New direct message from \(from)", room: "", url: "./")
    }

    /// The JSON bytes that are encrypted.
    package var jsonBytes: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(self))) ?? []
    }
}
#endif
