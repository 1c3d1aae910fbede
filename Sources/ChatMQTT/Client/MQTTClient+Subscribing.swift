public import Logging
import ServiceLifecycle

extension MQTTClient {
    /// How a daemon starts listening: connects, then subscribes to each of `filters` and
    /// returns once the broker has granted them all.
    ///
    /// A broker that does not answer yet is logged and waited for (the client keeps
    /// retrying, and the subscriptions are sent once it connects); refused credentials
    /// and cancellation are thrown, since retrying cannot mend them. Its log lines name the
    /// caller's module as their source, as the caller's own would (`[ChatMemorize] subscribed`).
    func connectAndSubscribe(
        to filters: [String], qos: MQTTQoS = .atLeastOnce, logger: Logger, fileID: String = #fileID
    ) async throws(MQTTError) {
        let source = fileID.split(separator: "/", maxSplits: 1).first.map(String.init) ?? "ChatMQTT"
        do {
            try await connect()
        } catch where error.kind == .refused || error.kind == .cancelled {
            throw error
        } catch {
            logger.warning("the broker does not answer yet; retrying", metadata: ["error": "\(error)"], source: source)
        }
        for filter in filters {
            try await subscribe(filter, qos: qos)
        }
        logger.info("subscribed", metadata: ["filters": "\(filters.joined(separator: " "))"], source: source)
    }

    /// A daemon's whole life as a subscriber: `consume` reads ``messages`` in a task of its
    /// own (it ends when the client closes and the stream finishes) while the client
    /// connects and subscribes to `filters` (``connectAndSubscribe(to:qos:logger:fileID:)``,
    /// cut short by graceful shutdown), then ``run()`` until graceful shutdown closes the
    /// client. Refused credentials are thrown; a shutdown before the subscription was
    /// granted is not an error (the client still closes cleanly).
    public func runSubscribed(
        to filters: [String], logger: Logger, fileID: String = #fileID,
        consume: @escaping @Sendable () async -> Void
    ) async throws {
        let source = fileID.split(separator: "/", maxSplits: 1).first.map(String.init) ?? "ChatMQTT"
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await consume() }
            do {
                try await cancelWhenGracefulShutdown {
                    try await self.connectAndSubscribe(to: filters, logger: logger, fileID: fileID)
                }
            } catch let error as MQTTError where error.kind == .refused {
                throw error
            } catch {
                logger.debug("stopped before the subscription was granted", metadata: ["error": "\(error)"], source: source)
            }
            try await run()
            try await group.waitForAll()
        }
    }
}
