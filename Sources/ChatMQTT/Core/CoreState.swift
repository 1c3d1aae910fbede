/// Everything ``ClientCore`` shares between callers and the network thread, under one lock.
struct CoreState: Sendable {
    enum Phase: Sendable, Equatable {
        /// Never started, or the first ``MQTTClient/connect()`` failed.
        case idle
        /// The network thread runs. `failFast`: give up if the first attempt fails
        /// (``MQTTClient/connect()``), rather than retry (``MQTTClient/start()``).
        case running(failFast: Bool)
        /// Closed for good.
        case closed
    }

    /// A filter the client keeps subscribed.
    struct Subscription: Sendable {
        var qos: MQTTQoS
        /// Whether the broker granted it on the current connection (or session).
        var confirmed: Bool
    }

    /// A QoS 1 message published while not connected, sent on the next CONNACK.
    struct ParkedPublish: Sendable {
        var topic: String
        var payload: [UInt8]
        var retain: Bool
        var waiter: Waiter
    }

    var phase: Phase = .idle
    var thread: NetworkThread?
    var stopRequested = false
    var stopDeadline: ContinuousClock.Instant?

    var connection: MQTTConnectionState = .disconnected(reason: "not started")
    var everConnected = false
    var connectedThisAttempt = false
    var attemptFailure: MQTTError?
    var reconnectAttempt = 0
    /// When the current (or last) connection was accepted (CONNACK).
    var connectedSince: ContinuousClock.Instant?
    /// `host:port` of the broker of the current (or last) attempt.
    var brokerAddress = ""

    var subscriptions: [String: Subscription] = [:]
    /// Filters in the order they were first subscribed, for re-subscribing.
    var subscriptionOrder: [String] = []
    var subscribeMids: [Int32: String] = [:]
    var subscribeWaiters: [String: [Waiter]] = [:]
    var unsubscribeWaiters: [Int32: Waiter] = [:]
    var publishWaiters: [Int32: Waiter] = [:]
    var parkedPublishes: [ParkedPublish] = []
    var connectWaiters: [Waiter] = []

    var observers: [Int: AsyncStream<MQTTConnectionState>.Continuation] = [:]
    var nextObserverID = 0

    /// Records a new connection state and tells every observer. Called under the lock so
    /// that observers see changes in the order they happened (yield never blocks).
    mutating func report(_ newState: MQTTConnectionState) {
        guard connection != newState else { return }
        connection = newState
        for observer in observers.values {
            observer.yield(newState)
        }
    }

    /// Remembers `filter` (updating its QoS), unconfirmed.
    mutating func remember(_ filter: String, qos: MQTTQoS) {
        if subscriptions[filter] == nil {
            subscriptionOrder.append(filter)
        }
        subscriptions[filter] = Subscription(qos: qos, confirmed: false)
    }

    /// Forgets `filter`.
    mutating func forget(_ filter: String) {
        subscriptions[filter] = nil
        subscriptionOrder.removeAll { $0 == filter }
    }

    /// Every waiter, removed, for failing them all at close.
    mutating func takeAllWaiters() -> [Waiter] {
        var all = connectWaiters
        all += subscribeWaiters.values.flatMap { $0 }
        all += unsubscribeWaiters.values
        all += publishWaiters.values
        all += parkedPublishes.map(\.waiter)
        parkedPublishes = []
        connectWaiters = []
        subscribeWaiters = [:]
        unsubscribeWaiters = [:]
        publishWaiters = [:]
        return all
    }
}
