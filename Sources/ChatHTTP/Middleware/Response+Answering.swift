import Hummingbird

extension Response {
    /// What `next` answers to `request`, its HTTP errors turned into their responses, so
    /// that a middleware adding headers adds them to errors too.
    static func answering<Context: RequestContext>(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            return try error.response(from: request, context: context)
        }
    }
}
