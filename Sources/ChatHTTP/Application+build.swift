internal import ChatCore
public import ChatStore
public import Hummingbird
public import Logging
internal import NIOCore

/// Builds the router: the page, its files, the history API (behind HTTP Basic when the server
/// is protected), the loopback-only control API, health and metrics.
///
/// Generic over the request context so tests can play any peer address; the server uses
/// ``ChatRequestContext``.
///
/// - Parameters:
///   - context: the request context type.
///   - configuration: the effective configuration.
///   - store: where history lives (``SQLiteMessageStore``, or ``InMemoryMessageStore`` in tests).
///   - webRoot: the folder holding `index.html` and `static/`; when `nil`,
///     `configuration.webRoot`, else ``WebRoot/locateForCurrentProcess()``.
///   - logger: for the server's own messages.
public func buildRouter<Context: PeerAwareRequestContext>(
    context: Context.Type = ChatRequestContext.self,
    configuration: ServerConfiguration,
    store: some MessageStore,
    webRoot: String? = nil,
    logger: Logger = Logger(label: "chatt.server")
) -> Router<Context> {
    let webRoot = webRoot ?? configuration.webRoot ?? WebRoot.locateForCurrentProcess()
    let metrics = ServerMetrics()
    let files = FileCache()
    let router = Router(context: Context.self)
    router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
    router.add(middleware: SecurityHeadersMiddleware())

    let root = router.group()
    PageController<Context>(webRoot: webRoot, configuration: configuration, cache: files, logger: logger)
        .addRoutes(to: root)
    StaticFileController<Context>(webRoot: webRoot, cache: files).addRoutes(to: root)
    HealthController<Context, _>(store: store).addRoutes(to: root)
    MetricsController<Context, _>(store: store, metrics: metrics, credentials: configuration.credentials)
        .addRoutes(to: root)

    let data = router.group("data")
    if let credentials = configuration.credentials {
        data.add(middleware: BasicAuthMiddleware(credentials: credentials))
    }
    HistoryController<Context, _>(store: store, pageSize: configuration.historyPageSize).addRoutes(to: data)
    ControlController<Context, _>(store: store, maxBodyBytes: configuration.maxBodyBytes)
        .addRoutes(to: router.group("cmd"))
    return router
}

/// The whole server: ``buildRouter(context:configuration:store:webRoot:logger:)`` listening on
/// `configuration.bind`:`configuration.port`. Run it with `runService()`, which drains the
/// requests in flight and returns on SIGTERM or SIGINT.
///
/// `onListening` is called with the port actually bound (useful with port 0).
public func buildApplication(
    configuration: ServerConfiguration,
    store: some MessageStore,
    webRoot: String? = nil,
    logger: Logger = Logger(label: "chatt.server"),
    onListening: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = buildRouter(
        context: ChatRequestContext.self, configuration: configuration, store: store, webRoot: webRoot, logger: logger)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.bind, port: configuration.port), serverName: "ChaTT"),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            logger.info("listening", metadata: ["address": "\(configuration.bind)", "port": "\(port)"])
            await onListening(port)
        },
        logger: logger)
}

extension ServerConfiguration {
    /// The configuration as log metadata, secrets masked (the login shows its first two
    /// characters, as the page's title does; the password never shows).
    public var loggingMetadata: Logger.Metadata {
        var metadata: Logger.Metadata = [
            "bind": "\(bind)",
            "port": "\(port)",
            "db": "\((try? StoreLocation(parsing: databasePath))?.description ?? databasePath)",
            "web_root": "\(webRoot ?? "(auto)")",
            "trusted_proxies": "\(trustedProxies.map(\.ip).joined(separator: ","))",
            "max_body_bytes": "\(maxBodyBytes)",
            "broker_host": "\(brokerHost.isEmpty ? "(the page's host)" : brokerHost)",
            "ws_port": "\(wsPort)",
            "ws_path": "\(wsPath)",
            "broker_tls": "\(brokerTLS.rawValue)",
            "history_page_size": "\(historyPageSize)",
            "protected": "\(isProtected)",
            "scheme": "\(scheme.name)",
        ]
        if let credentials {
            metadata["login"] = "\(credentials.login.prefix(2))…"
            metadata["password"] = "***"
            metadata["credentials_from"] = "\(credentials.source)"
        }
        return metadata
    }
}
