internal import CoreMetrics
internal import Metrics
internal import Prometheus
internal import Synchronization

/// The server's metrics, in a Prometheus registry of its own (so two servers in one process,
/// as in tests, do not mix), fed through swift-metrics.
///
/// - `chatt_http_requests_total{method, route, status}`
/// - `chatt_http_request_duration_seconds{method, route}` (histogram)
/// - `chatt_messages_stored`, `chatt_users_online` (read from the store at each scrape)
/// - `chatt_messages_set_aside`: messages memorize set aside because the store refused them
///   (read from the store at each scrape)
/// - `chatt_events_held`: v2 events waiting for the message they refer to, and
///   `chatt_events_held_dropped`: held events dropped at the bound (read from the store)
final class ServerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    private let messagesStored: CoreMetrics.Gauge
    private let usersOnline: CoreMetrics.Gauge
    private let messagesSetAside: CoreMetrics.Gauge
    private let eventsHeld: CoreMetrics.Gauge
    private let eventsHeldDropped: CoreMetrics.Gauge
    /// The handles of each (method, route, status), made once: the registry's lookup takes a lock
    /// and sorts labels, too dear for every request.
    private let requestHandles = Mutex<[RequestKey: (counter: CoreMetrics.Counter, timer: Metrics.Timer)]>([:])

    private struct RequestKey: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5),
        ]
        self.factory = factory
        messagesStored = CoreMetrics.Gauge(label: "chatt_messages_stored", factory: factory)
        usersOnline = CoreMetrics.Gauge(label: "chatt_users_online", factory: factory)
        messagesSetAside = CoreMetrics.Gauge(label: "chatt_messages_set_aside", factory: factory)
        eventsHeld = CoreMetrics.Gauge(label: "chatt_events_held", factory: factory)
        eventsHeldDropped = CoreMetrics.Gauge(label: "chatt_events_held_dropped", factory: factory)
    }

    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        let key = RequestKey(method: method, route: route, status: status)
        let handles = requestHandles.withLock { handles in
            if let known = handles[key] { return known }
            let made = (
                counter: CoreMetrics.Counter(label: "chatt_http_requests_total",
                                 dimensions: [("method", method), ("route", route), ("status", String(status))],
                                 factory: factory),
                timer: Metrics.Timer(label: "chatt_http_request_duration_seconds",
                                     dimensions: [("method", method), ("route", route)], factory: factory))
            handles[key] = made
            return made
        }
        handles.counter.increment()
        let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        handles.timer.recordNanoseconds(nanoseconds)
    }

    func recordStore(messages: Int, users: Int, setAside: Int) {
        messagesStored.record(messages)
        usersOnline.record(users)
        messagesSetAside.record(setAside)
    }

    func recordHeldEvents(held: Int, dropped: Int) {
        eventsHeld.record(held)
        eventsHeldDropped.record(dropped)
    }

    /// The registry in Prometheus text format.
    func render() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
