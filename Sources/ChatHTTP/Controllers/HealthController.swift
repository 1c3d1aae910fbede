public import ChatStore
public import Hummingbird

/// `GET /healthz`: `{"status": "ok", "database": "ok"}` (200) when the store answers,
/// `{"status": "unavailable", "database": "<why>"}` (503) when it does not: an error, no
/// answer within the time budget (2 s), or (SQLite) a database file deleted or replaced
/// while the server runs.
public struct HealthController<Context: RequestContext, Store: MessageStore>: Sendable {
    let probe: HealthProbe<Store>

    /// Checks `store`, waiting for it at most `budget`.
    public init(store: Store, budget: Duration = .seconds(2)) {
        probe = HealthProbe(store: store, budget: budget)
    }

    /// Adds `GET /healthz`.
    public func addRoutes(to group: RouterGroup<Context>) {
        group.get("healthz") { request, context in
            var response: Response
            if let problem = await probe.check() {
                response = try HealthResponse(status: "unavailable", database: problem)
                    .response(from: request, context: context)
                response.status = .serviceUnavailable
            } else {
                response = try HealthResponse(status: "ok", database: "ok").response(from: request, context: context)
            }
            response.headers[.cacheControl] = "no-store"
            return response
        }
    }
}

/// The `/healthz` body.
struct HealthResponse: ResponseEncodable, Sendable {
    var status: String
    var database: String
}
