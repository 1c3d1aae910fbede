internal import ChatCore
public import ChatStore
public import Hummingbird

/// `/data/*`: the history the page loads.
///
/// - `GET lastinfo` — users, rooms and the last messages of every room (``LastInfoResponse``).
/// - `GET rooms/<room>/messages?before=<key>&limit=<n>` — an older page (``MessagePageResponse``).
/// - `GET rooms/<room>/search?q=<words>&limit=<n>` — matches, newest first (``SearchResponse``).
public struct HistoryController<Context: RequestContext, Store: MessageStore>: Sendable {
    let store: Store
    let pageSize: Int
    let lastInfo: LastInfoCache

    /// Reads from `store`; `pageSize` messages per room in `lastinfo`, and the default `limit`.
    public init(store: Store, pageSize: Int) {
        self.store = store
        self.pageSize = pageSize
        self.lastInfo = LastInfoCache(messagesPerRoom: pageSize)
    }

    /// Adds the routes to `group` (mounted at `/data`).
    public func addRoutes(to group: RouterGroup<Context>) {
        group.get("lastinfo") { request, _ in try await lastInfo(request) }
        group.get("rooms/:room/messages") { request, context in try await messages(request, context: context) }
        group.get("rooms/:room/search") { request, context in try await search(request, context: context) }
    }

    func lastInfo(_ request: Request) async throws -> Response {
        let acceptsGzip = Gzip.isAccepted(by: request.headers[.acceptEncoding])
        let (body, isGzipped) = try await lastInfo.body(from: store, gzip: acceptsGzip)
        var headers: HTTPFields = [
            .contentType: "application/json; charset=utf-8",
            .cacheControl: "no-store",
            .vary: "Accept-Encoding, Authorization",
        ]
        if isGzipped { headers[.contentEncoding] = "gzip" }
        headers[.contentLength] = String(body.readableBytes)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    func messages(_ request: Request, context: Context) async throws -> MessagePageResponse {
        let room = try Self.room(context)
        let query = request.uri.queryParameters
        let before = try Self.integer(query["before"].map(String.init), name: "before", in: 1...Int64.max)
        let limit = try Self.integer(query["limit"].map(String.init), name: "limit",
                                     in: 1...Int64(ServerConfiguration.maximumPageSize)) ?? Int64(pageSize)
        return MessagePageResponse(try await store.messages(in: room, before: before, limit: Int(limit)))
    }

    func search(_ request: Request, context: Context) async throws -> SearchResponse {
        let room = try Self.room(context)
        let query = request.uri.queryParameters
        guard let words = query["q"].map(String.init), !words.trimmingASCIIWhitespace().isEmpty else {
            throw HTTPError(.badRequest, message: "query parameter `q` is missing: say what to search for")
        }
        guard words.count <= 200 else {
            throw HTTPError(.badRequest, message: "query parameter `q` is too long: at most 200 characters")
        }
        let limit = try Self.integer(query["limit"].map(String.init), name: "limit",
                                     in: 1...Int64(ServerConfiguration.maximumPageSize)) ?? Int64(pageSize)
        return SearchResponse(try await store.search(in: room, for: words, limit: Int(limit)))
    }

    static func room(_ context: Context) throws -> RoomName {
        let raw = context.parameters.get("room") ?? ""
        do {
            return try RoomName(raw.removingPercentEncodingOrSelf)
        } catch {
            throw HTTPError(.badRequest, message: "bad room name: \(error)")
        }
    }

    static func integer(_ text: String?, name: String, in range: ClosedRange<Int64>) throws -> Int64? {
        guard let text else { return nil }
        guard let value = Int64(text), range.contains(value) else {
            let bound = range.upperBound == .max ? "a positive number" : "a number \(range.lowerBound)–\(range.upperBound)"
            throw HTTPError(.badRequest, message: "query parameter `\(name)`: expected \(bound), got \"\(text.prefix(40))\"")
        }
        return value
    }
}
