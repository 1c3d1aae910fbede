internal import Hummingbird

/// Counts requests by method, route pattern and status, and times them.
///
/// The route is the matched pattern (`/data/rooms/{room}/messages`), never the raw path, so a
/// client cannot grow the number of series; unmatched requests count as `unmatched`.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context: context, status: response.status.code, start: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, context: context, status: status, start: start)
            throw error
        }
    }

    private func record(_ request: Request, context: Context, status: Int, start: ContinuousClock.Instant) {
        // Hummingbird names the route of a request no route matched "NotFound".
        let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unmatched"
        metrics.recordRequest(method: request.method.rawValue, route: route,
                              status: status, duration: ContinuousClock.now - start)
    }
}
