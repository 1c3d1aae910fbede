public import Hummingbird

/// `Cache-Control: no-store` on every answer of the group it is added to (errors too): the
/// history must not stay in a shared cache or the browser's disk cache, where someone
/// without the passphrase could read it.
public struct NoStoreMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Creates the middleware.
    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await Response.answering(request, context: context, next: next)
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
