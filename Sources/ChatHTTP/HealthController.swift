public import ChatStore
public import Hummingbird

/// `GET /healthz`: `{"status": "ok", "database": "ok"}` (200) when the store answers,
/// `{"status": "unavailable", "database": "<why>"}` (503) when it does not.
public struct HealthController<Context: RequestContext, Store: MessageStore>: Sendable {
    let store: Store

    /// Checks `store`.
    public init(store: Store) {
        self.store = store
    }

    /// Adds `GET /healthz`.
    public func addRoutes(to group: RouterGroup<Context>) {
        group.get("healthz") { request, context in
            var response: Response
            do {
                _ = try await store.version()
                response = try HealthResponse(status: "ok", database: "ok").response(from: request, context: context)
            } catch {
                response = try HealthResponse(status: "unavailable", database: "\(error)")
                    .response(from: request, context: context)
                response.status = .serviceUnavailable
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
