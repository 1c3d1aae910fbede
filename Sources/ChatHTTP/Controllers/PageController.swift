internal import ChatCore
public import Hummingbird
public import Logging
internal import NIOCore
internal import Synchronization

/// `GET /`: `index.html` from the web root, with the `<meta>` tags the page reads at start:
/// `chatt-client-address`, `chatt-broker-host`, `chatt-broker-port`, `chatt-broker-path`,
/// `chatt-broker-tls`, `chatt-ws-endpoints` (a JSON array of `ws://` URLs, `[]` for the one
/// endpoint above), `chatt-protected`, `chatt-scheme` (`legacy` or `strong`),
/// `chatt-scheme-salt` (the strong scheme's salt; empty for legacy) and
/// `chatt-history-page-size` (messages per room in `lastinfo` and per older page, so the
/// page knows whether a room has more) and `chatt-name` (the chat's name, for the title).
public struct PageController<Context: PeerAwareRequestContext>: Sendable {
    let indexPath: String
    let configuration: ServerConfiguration
    let resolver: ClientAddressResolver
    let cache: FileCache
    let template = TemplateBox()
    let logger: Logger

    /// Serves `webRoot/index.html` with the broker settings of `configuration`.
    public init(webRoot: String, configuration: ServerConfiguration, logger: Logger) {
        self.init(webRoot: webRoot, configuration: configuration, cache: FileCache(), logger: logger)
    }

    init(webRoot: String, configuration: ServerConfiguration, cache: FileCache, logger: Logger) {
        self.indexPath = (webRoot.hasSuffix("/") ? webRoot : webRoot + "/") + "index.html"
        self.configuration = configuration
        self.resolver = ClientAddressResolver(trustedProxies: Set(configuration.trustedProxies))
        self.cache = cache
        self.logger = logger
    }

    /// Adds `GET /` (and `GET /index.html`).
    public func addRoutes(to group: RouterGroup<Context>) {
        group.get("/") { request, context in try await page(request, context: context) }
        group.get("index.html") { request, context in try await page(request, context: context) }
    }

    func page(_ request: Request, context: Context) async throws -> Response {
        guard let file = try await cache.file(at: indexPath) else {
            logger.error("the page is missing", metadata: ["path": "\(indexPath)", "fix": "pass --web-root DIR"])
            throw HTTPError(.notFound, message: "the page is not installed on this server")
        }
        let body = template.template(for: file).render(meta: meta(for: request, context: context))
        return Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: body))
    }

    /// `strings` as a JSON array (the tag's value is HTML-escaped again by ``PageTemplate``).
    static func jsonList(_ strings: [String]) -> String {
        // Validated endpoints hold no quote, backslash or control character; escaped all
        // the same, so no value can end the string early.
        func quoted(_ text: String) -> String {
            var result = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": result += "\\\""
                case "\\": result += "\\\\"
                case _ where scalar.value < 0x20: result += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                default: result.unicodeScalars.append(scalar)
                }
            }
            return result + "\""
        }
        return "[" + strings.map(quoted).joined(separator: ",") + "]"
    }

    func meta(for request: Request, context: Context) -> [(name: String, content: String)] {
        let client = resolver.clientAddress(peer: context.peer, forwardedFor: request.headers[values: .forwardedFor])
        return [
            ("chatt-client-address", client),
            ("chatt-broker-host", configuration.brokerHost),
            ("chatt-broker-port", String(configuration.wsPort)),
            ("chatt-broker-path", configuration.wsPath),
            ("chatt-broker-tls", configuration.brokerTLS.rawValue),
            // A JSON array of ws:// URLs, tried in order; `[]` when only the one above.
            ("chatt-ws-endpoints", Self.jsonList(configuration.wsEndpoints)),
            ("chatt-protected", configuration.isProtected ? "true" : "false"),
            ("chatt-scheme", configuration.scheme.name),
            ("chatt-scheme-salt", configuration.scheme.salt?.text ?? ""),
            ("chatt-history-page-size", String(configuration.historyPageSize)),
            ("chatt-name", configuration.name),
            // The upload limit, so the page refuses a larger file before sending it.
            ("chatt-max-upload-bytes", String(configuration.maxUploadBytes)),
        ]
    }
}

/// The page cut at the insertion point, kept for the current version of `index.html`.
final class TemplateBox: Sendable {
    private let current = Mutex<(eTag: String, template: PageTemplate)?>(nil)

    func template(for file: CachedFile) -> PageTemplate {
        if let known = current.withLock({ $0 }), known.eTag == file.eTag { return known.template }
        let template = PageTemplate(html: file.bytes)
        current.withLock { $0 = (file.eTag, template) }
        return template
    }
}
