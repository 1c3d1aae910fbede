public import Logging

extension MQTTClient {
    /// How a daemon starts listening: connects, then subscribes to each of `filters` and
    /// returns once the broker has granted them all.
    ///
    /// A broker that does not answer yet is logged and waited for (the client keeps
    /// retrying, and the subscriptions are sent once it connects); refused credentials
    /// and cancellation are thrown, since retrying cannot mend them. Its log lines name the
    /// caller's module as their source, as the caller's own would (`[ChatMemorize] subscribed`).
    public func connectAndSubscribe(
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
}
