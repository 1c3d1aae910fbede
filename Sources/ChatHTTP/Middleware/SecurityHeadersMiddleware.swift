public import Hummingbird
internal import HTTPTypes

/// Adds the headers that keep the page from running anything but its own scripts:
/// `Content-Security-Policy`, `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`.
///
/// They go on every response (errors included), so no HTML the server sends can lack them.
public struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The policy: scripts and styles from the server only, WebSockets to any host (the
    /// broker may live elsewhere), images from anywhere (`:img:(url)` in messages) and from
    /// `blob:` (an uploaded picture of a protected chat, fetched with the credentials).
    public static var contentSecurityPolicy: String {
        "default-src 'self'; script-src 'self'; connect-src 'self' ws: wss:; img-src 'self' http: https: data: blob:; "
            + "style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    }

    /// Creates the middleware.
    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await Response.answering(request, context: context, next: next)
        // A stricter policy set by the route (an uploaded file's `default-src 'none'`) stays.
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicyHeader] = "no-referrer"
        return response
    }
}

extension HTTPField.Name {
    static let referrerPolicyHeader = Self("Referrer-Policy")!
    static let forwardedFor = Self("X-Forwarded-For")!
}
