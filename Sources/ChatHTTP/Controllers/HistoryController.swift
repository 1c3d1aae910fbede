internal import ChatCore
public import ChatStore
public import Hummingbird

/// `/data/*`: the history the page loads.
///
/// - `GET direct/<a>/<b>/messages` — a direct conversation, ciphertext only (``DirectPageResponse``).
/// - `GET lastinfo` — users, rooms and the last messages of every room (``LastInfoResponse``).
/// - `GET rooms/<room>/messages?before=<key>&limit=<n>` — an older page (``MessagePageResponse``).
/// - `GET rooms/<room>/messages?around=<id>&limit=<n>` — the page holding the message whose
///   sender id is `id`, about half older and half newer, with `hasNewer`; 404 when unknown.
/// - `GET rooms/<room>/search?q=<words>&before=<key>&limit=<n>` — matches, newest first (``SearchResponse``).
/// - `GET search?q=<words>&before=<key>&limit=<n>` — matches in every room (``AllRoomSearchResponse``).
///   In both, `from:<nick>` in `q` keeps the messages of that author (alone or with words).
public struct HistoryController<Context: RequestContext, Store: MessageStore>: Sendable {
    let store: Store
    let pageSize: Int
    let lastInfo: LastInfoCache
    let searches: SearchLimiter

    /// Reads from `store`; `pageSize` messages per room in `lastinfo`, and the default `limit`;
    /// about `lastInfoByteBudget` bytes of messages in `lastinfo` at most.
    public init(
        store: Store, pageSize: Int, lastInfoByteBudget: Int = ServerConfiguration.defaultLastInfoByteBudget
    ) {
        self.store = store
        self.pageSize = pageSize
        self.lastInfo = LastInfoCache(messagesPerRoom: pageSize, byteBudget: lastInfoByteBudget)
        self.searches = SearchLimiter()
    }

    /// Adds the routes to `group` (mounted at `/data`).
    public func addRoutes(to group: RouterGroup<Context>) {
        group.add(middleware: NoStoreMiddleware<Context>())
        group.get("lastinfo") { request, _ in try await lastInfo(request) }
        group.get("rooms/:room/messages") { request, context in try await messages(request, context: context) }
        group.get("rooms/:room/search") { request, context in try await search(request, context: context) }
        group.get("search") { request, _ in AllRoomSearchResponse(try await runSearch(request, room: nil)) }
        group.get("direct/:a/:b/messages") { request, context in try await directMessages(request, context: context) }
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
        if let around = query["around"].map(String.init) {
            return try await page(in: room, around: around, before: before, limit: Int(limit))
        }
        return MessagePageResponse(try await store.messages(in: room, before: before, limit: Int(limit)))
    }

    /// `?around=<id>`: the page holding the message `id`.
    func page(in room: RoomName, around: String, before: Int64?, limit: Int) async throws -> MessagePageResponse {
        guard before == nil else {
            throw HTTPError(.badRequest, message: "query parameters `around` and `before` exclude each other: give one")
        }
        guard let id = EventID(rawValue: around) else {
            throw HTTPError(.badRequest, message: "query parameter `around`: expected a message id (8 to 64 characters of "
                + "A-Z, a-z, 0-9, _ and -), got \"\(around.prefix(70))\"")
        }
        guard let page = try await store.messages(in: room, around: id.rawValue, limit: limit) else {
            throw HTTPError(.notFound, message: "no message with id \(id) in room \(room)")
        }
        return MessagePageResponse(page, around: true)
    }

    func search(_ request: Request, context: Context) async throws -> SearchResponse {
        let page = try await runSearch(request, room: try Self.room(context))
        return SearchResponse(page.messages, hasMore: page.hasMore)
    }

    /// The longest `q`, in Unicode scalars (a letter with 1,000 combining marks is 1,001).
    static var maximumQueryLength: Int { 200 }
    /// The shortest word of `q`: a one-letter prefix matches most of the history.
    static var minimumWordLength: Int { 2 }

    /// `q` checked: present, at most ``maximumQueryLength`` scalars, no control characters,
    /// and at least one word of ``minimumWordLength`` characters; shorter words are left out
    /// ("line 1" searches "line"), and the words are joined by spaces.
    static func searchWords(_ q: String?) throws -> String {
        guard let words = q, !words.trimmingASCIIWhitespace().isEmpty else {
            throw HTTPError(.badRequest, message: "query parameter `q` is missing: say what to search for")
        }
        guard words.unicodeScalars.count <= maximumQueryLength else {
            throw HTTPError(.badRequest, message: "query parameter `q` is too long: at most \(maximumQueryLength) characters")
        }
        guard !words.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw HTTPError(.badRequest, message: "query parameter `q` holds control characters: search for words")
        }
        // `+` too: the page's URLSearchParams writes a space as `+`.
        let kept: [String] = words.split(whereSeparator: { $0.isWhitespace || $0 == "+" })
            .filter { $0.count >= minimumWordLength }.map { String($0) }
        guard !kept.isEmpty else {
            throw HTTPError(.badRequest, message: "query parameter `q`: \"\(words.prefix(40))\" is too short: "
                + "search for words of \(minimumWordLength) letters or more")
        }
        return kept.joined(separator: " ")
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
