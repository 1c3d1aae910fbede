internal import ChatCore
#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// The body of `POST /cmd/setRoomMessages`: `{"room": r, "messages": [[author, text], ...]}`.
///
/// Entries may carry more elements; a third that is a number is kept as the timestamp (ms)
/// and a fourth that is a string as the message id, as `/data/*` writes them; anything else
/// after the text is ignored.
struct SetRoomMessagesRequest: Decodable, Sendable {
    var room: RoomName
    var messages: [LegacyMessage]
}

/// One `[author, text, ts?, id?, …]` entry.
struct LegacyMessage: Decodable, Sendable {
    var author: String
    var text: String
    var ts: Int64?
    var id: String?

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        author = try container.decode(String.self)
        text = try container.decode(String.self)
        if let ts = try? container.decode(Int64.self) {
            self.ts = ts
            id = try? container.decode(String.self)
        }
    }
}

/// Turns a decoding error into a sentence naming the place in the body.
enum RequestBodyError {
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not valid JSON" }
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
            return text.isEmpty ? "the body" : "`\(text.hasPrefix(".") ? String(text.dropFirst()) : text)`"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath)) lacks the key `\(key.stringValue)`"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(jsonType(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(jsonType(type)), got null or nothing"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "not valid JSON" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "not valid JSON"
        }
    }

    private static func jsonType(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int64.Type, is Int.Type, is Double.Type: "a number"
        case is Array<Any>.Type, is [String].Type: "a list"
        default: "\(type)".hasPrefix("Array") ? "a list" : "an object"
        }
    }
}
