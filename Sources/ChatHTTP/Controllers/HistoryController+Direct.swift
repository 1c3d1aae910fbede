import ChatCore
import ChatStore
import Hummingbird

extension HistoryController {
    /// `GET direct/<a>/<b>/messages?before=&limit=`: a direct conversation's envelopes,
    /// ciphertext only; `<a>` and `<b>` in code-point order, as in the topic.
    func directMessages(_ request: Request, context: Context) async throws -> DirectPageResponse {
        let a = try Self.nickname(context, "a"), b = try Self.nickname(context, "b")
        let conversation = DirectConversation(a.rawValue, b.rawValue)
        guard conversation.a == a.rawValue, a != b else {
            throw HTTPError(.badRequest, message: a == b
                ? "a direct conversation needs two different nicknames"
                : "the nicknames go in code-point order, as in the topic: /data/\(conversation)/messages")
        }
        let query = request.uri.queryParameters
        let before = try Self.integer(query["before"].map(String.init), name: "before", in: 1...Int64.max)
        let limit = try Self.integer(query["limit"].map(String.init), name: "limit",
                                     in: 1...Int64(ServerConfiguration.maximumPageSize)) ?? Int64(pageSize)
        return DirectPageResponse(try await store.directMessages(in: conversation, before: before, limit: Int(limit)))
    }

    static func nickname(_ context: Context, _ name: String) throws -> Nickname {
        let raw = context.parameters.get(name) ?? ""
        do {
            return try Nickname(raw.removingPercentEncodingOrSelf)
        } catch {
            throw HTTPError(.badRequest, message: "bad nickname: \(error)")
        }
    }
}
