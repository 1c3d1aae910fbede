internal import ChatCore
public import ChatStore
public import Hummingbird
internal import HummingbirdCore
public import Logging
internal import NIOCore

/// Builds the router: the page, its files, the manifest and service worker, the history API and
/// the uploaded files (behind HTTP Basic when the server is protected), the loopback-only control API, health and metrics.
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
    let cache = FileCache()
    // HEAD answers as GET does, without the body (it was 404).
    let router = Router(context: Context.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ErrorLoggingMiddleware(logger: logger))

    let root = router.group()
    PageController<Context>(webRoot: webRoot, configuration: configuration, cache: cache, logger: logger)
        .addRoutes(to: root)
    StaticFileController<Context>(webRoot: webRoot, cache: cache).addRoutes(to: root)
    AppShellController<Context>(webRoot: webRoot, cache: cache, name: configuration.name).addRoutes(to: root)
    HealthController<Context, _>(store: store).addRoutes(to: root)
    let auth = configuration.credentials.map { credentials in
        BasicAuthMiddleware<Context>(credentials: credentials, trustedProxies: configuration.trustedProxies, logger: logger)
    }
    MetricsController<Context, _>(store: store, metrics: metrics, auth: auth).addRoutes(to: root)

    let data = router.group("data")
    if let auth { data.add(middleware: auth) }
    HistoryController<Context, _>(
        store: store, pageSize: configuration.historyPageSize, lastInfoByteBudget: configuration.lastInfoByteBudget
    ).addRoutes(to: data)
    PushController<Context, _>(store: store, allowsLoopback: configuration.pushAllowsLoopback, maxRooms: configuration.maxRooms)
        .addRoutes(to: data)
    let files = router.group("data/files")
    if let auth { files.add(middleware: auth) }
    FilesController<Context>(
        directory: configuration.filesDirectory
            ?? DefaultFilesDirectory.path(databasePath: configuration.databasePath, environment: [:]),
        maxUploadBytes: configuration.maxUploadBytes, isProtected: configuration.isProtected, logger: logger
    ).addRoutes(to: files)
    ControlController<Context, _>(store: store, maxBodyBytes: configuration.maxBodyBytes, maxRooms: configuration.maxRooms)
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
    let maxConnections = configuration.maxConnections
        ?? ServerConfiguration.automaticMaxConnections(openFileLimit: OpenFileLimit.current())
    return Application(
        router: router,
        server: .http1(configuration: .init(
            additionalChannelHandlers: [ContinueHandler()],
            idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds)))),
        configuration: .init(
            address: .hostname(configuration.bind, port: configuration.port), serverName: "ChaTT",
            availableConnectionsDelegate: MaximumAvailableConnections(maxConnections, logger: logger)),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            logger.info("listening", metadata: [
                "address": "\(configuration.bind)", "port": "\(port)", "max_connections": "\(maxConnections)",
                "idle_timeout_s": "\(configuration.idleTimeoutSeconds)",
                "open_file_limit": "\(OpenFileLimit.current().map(String.init) ?? "unlimited")",
            ])
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
            "files_dir": "\(filesDirectory ?? "(beside the database)")",
            "max_upload_bytes": "\(maxUploadBytes)",
            "broker_host": "\(brokerHost.isEmpty ? "(the page's host)" : brokerHost)",
            "ws_port": "\(wsPort)",
            "ws_path": "\(wsPath)",
            "broker_tls": "\(brokerTLS.rawValue)",
            "history_page_size": "\(historyPageSize)",
            "max_rooms": "\(maxRooms)",
            "protected": "\(isProtected)",
            "scheme": "\(scheme.name)",
            "push_allow_loopback": "\(pushAllowsLoopback)",
        ]
        if let credentials {
            metadata["login"] = "\(credentials.maskedLogin)"
            metadata["password"] = "***"
            metadata["credentials_from"] = "\(credentials.source)"
        }
        return metadata
    }
}
