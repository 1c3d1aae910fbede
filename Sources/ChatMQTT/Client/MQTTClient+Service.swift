public import ServiceLifecycle

extension MQTTClient: Service {
    /// Runs the client as a service of a `ServiceGroup`: starts connecting in the
    /// background if it is not running yet (see ``start()``: the broker may be down),
    /// waits for graceful shutdown (SIGTERM, SIGINT) or cancellation, then disconnects
    /// cleanly (see ``disconnect()``).
    public func run() async throws {
        start()
        try? await gracefulShutdown()
        await disconnect()
    }
}
