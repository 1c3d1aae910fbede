public import Hummingbird

/// Answers only when the socket's peer is on the loopback network (127.0.0.0/8, `::1`);
/// 403 otherwise.
///
/// The peer is the channel's remote address, from ``PeerAwareRequestContext/peer``. No header
/// is consulted: a remote client sending `X-Forwarded-For: 127.0.0.1` is still remote.
public struct LoopbackOnlyMiddleware<Context: PeerAwareRequestContext>: RouterMiddleware {
    /// Creates the guard.
    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard context.peer?.isLoopback == true else {
            throw HTTPError(.forbidden, message: "this control API answers only to clients on the loopback address")
        }
        return try await next(request, context)
    }
}
