internal import ChatStore
internal import Hummingbird

/// `GET /metrics`, in Prometheus text format.
///
/// Loopback peers are always answered. Other peers need the chat's credentials when the
/// server is protected (401 otherwise), and are refused (403) when it is not: the numbers say
/// who is online and how busy the chat is.
struct MetricsController<Context: PeerAwareRequestContext, Store: MessageStore>: Sendable {
    let store: Store
    let metrics: ServerMetrics
    /// The chat's credentials check, shared with `/data/*` (one count of wrong tries); `nil`
    /// when the server is not protected.
    let auth: BasicAuthMiddleware<Context>?

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("metrics") { request, context in try await render(request, context: context) }
    }

    func render(_ request: Request, context: Context) async throws -> Response {
        if context.peer?.isLoopback != true {
            guard let auth else {
                throw HTTPError(.forbidden, message: "metrics answer only to loopback clients on an unprotected server")
            }
            try auth.check(request, context: context)
        }
        if let messages = try? await store.messageCount(), let users = try? await store.onlineUsers() {
            let setAside = (try? await store.setting(SettingKey.setAsideMessages)).flatMap { $0.flatMap { Int($0) } } ?? 0
            metrics.recordStore(messages: messages, users: users.count, setAside: setAside)
        }
        if let held = try? await store.heldEventCount() {
            let dropped = (try? await store.setting(SettingKey.droppedHeldEvents)).flatMap { $0.flatMap { Int($0) } } ?? 0
            metrics.recordHeldEvents(held: held, dropped: dropped)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render())))
    }
}
