public import Hummingbird
public import Logging

/// Turns an error that is not an HTTP answer (a database failure, a bug) into a 500 whose
/// body says the log has the reason, and logs it with the route. Before, such a request
/// (`search?q=%00`) got a 500 with an empty body and nothing in the log.
public struct ErrorLoggingMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    /// Logs to `logger`.
    public init(logger: Logger) {
        self.logger = logger
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            logger.error("request failed", metadata: [
                "method": "\(request.method.rawValue)", "path": "\(request.uri.path.prefix(200))",
                "error": "\(String(describing: error).prefix(500))",
            ])
            throw HTTPError(.internalServerError, message: "the server could not answer this request; its log says why")
        }
    }
}
