import Dispatch
import Logging
import Synchronization

/// The machinery behind ``MQTTClient``: the libmosquitto handle, the state shared by
/// callers and the network thread, and the message stream.
///
/// Locking: one `Mutex<CoreState>`. Callers make their libmosquitto calls (publish,
/// subscribe, …) under it, so that an acknowledgement cannot arrive before its waiter is
/// registered and no call can race ``close()``'s `mosquitto_destroy`. The network thread
/// takes it in callbacks, briefly. Received messages never touch it.
final class ClientCore: Sendable {
    let configuration: MQTTConfiguration
    let logger: Logger
    /// `nil` when libmosquitto could not create the client; ``setupError`` says why.
    let handle: MosquittoHandle?
    let setupError: MQTTError?
    let messages: MQTTMessages
    let messageSink: AsyncStream<[MQTTMessage]>.Continuation
    let waitingMessages = WaitingCount()
    let state = Mutex(CoreState())
    /// Wakes the network thread from its backoff wait when the client closes.
    let wakeup = DispatchSemaphore(value: 0)
    /// The network thread's name, unique per client (shows in /proc/self/task/*/comm).
    let threadName: String
    let droppedMessages = Atomic<Int>(0)
    /// Wakes the network thread from `poll` when there is something to write. `nil` when
    /// the client could not be created (``setupError``).
    let wake: WakePipe?
    /// Messages received since the client was made (only the network thread writes it).
    let delivered = Atomic<Int>(0)
    /// The number (in ``delivered``'s count) of the last QoS 1 message received: with
    /// ``MQTTAcknowledgement/afterHandled``, nothing is written until the consumer has
    /// acknowledged up to it. (QoS 0 messages have no PUBACK to hold back.)
    let acknowledgementsNeeded = Atomic<Int>(0)
    /// How many messages the consumer has acknowledged.
    let acknowledged = Atomic<Int>(0)
    /// Messages received during the current burst, handed to ``messages`` together (see
    /// ``flushReceived()``). Touched only by the network thread; the lock is never contended.
    let receivedBatch = Mutex<[MQTTMessage]>([])

    private static let instanceCounter = Atomic<Int>(0)

    init(configuration: MQTTConfiguration, logger: Logger) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "mqtt.client"] = "\(configuration.clientID)"
        self.logger = logger
        let number = Self.instanceCounter.add(1, ordering: .relaxed).newValue
        self.threadName = "mqtt-\(String(number % 0xFFFF_FFFF, radix: 16))"
        let (bursts, burstSink) = AsyncStream.makeStream(of: [MQTTMessage].self, bufferingPolicy: .unbounded)
        messages = MQTTMessages(bursts: bursts, waiting: waitingMessages)
        messageSink = burstSink
        do throws(MQTTError) {
            let pipe = try WakePipe()
            handle = try MosquittoHandle(configuration: configuration)
            wake = pipe
            setupError = nil
        } catch {
            wake = nil
            handle = nil
            setupError = error
        }
        handle?.attach(self)
    }

    // MARK: Lifecycle

    /// Starts the network thread if the client is idle. `failFast`: report the first
    /// attempt's failure to the connect waiters and stop, instead of retrying.
    /// Call under the lock.
    private func startThread(_ s: inout CoreState, failFast: Bool) throws(MQTTError) {
        s.phase = .running(failFast: failFast)
        s.stopRequested = false
        s.stopDeadline = nil
        do {
            s.thread = try NetworkThread(name: threadName) { [self] in runNetworkLoop() }
        } catch {
            s.phase = .idle
            throw error
        }
    }

    /// Connects and waits for the broker's CONNACK. See ``MQTTClient/connect()``.
    func connect() async -> Result<Void, MQTTError> {
        guard handle != nil else { return .failure(setupFailure) }
        reapFailedStart()
        let result = await wait("connect") { waiter in
            let immediate: Result<Void, MQTTError>? = state.withLock { s in
                switch s.phase {
                case .closed:
                    return .failure(.closed("connect"))
                case .running where s.connection == .connected:
                    return .success(())
                case .running where s.stopRequested:
                    return .failure(s.attemptFailure ?? .unreachable(s.brokerAddress, .success))
                case .running:
                    s.connectWaiters.append(waiter)
                    return nil
                case .idle:
                    do throws(MQTTError) {
                        try startThread(&s, failFast: true)
                    } catch {
                        return .failure(error)
                    }
                    s.connectWaiters.append(waiter)
                    return nil
                }
            }
            if let immediate { waiter.resume(returning: immediate) }
        }
        if case .failure = result {
            reapFailedStart()
        }
        return result
    }

    /// After a failed first ``connect()``: joins the network thread, which has stopped by
    /// itself, and returns to idle so that a later connect can try again.
    private func reapFailedStart() {
        let thread: NetworkThread? = state.withLock { s in
            guard s.phase == .running(failFast: true), s.stopRequested, !s.everConnected else { return nil }
            s.phase = .idle
            s.stopRequested = false
            defer { s.thread = nil }
            return s.thread
        }
        thread?.join()
    }

    /// Starts connecting in the background, retrying forever. See ``MQTTClient/start()``.
    func start() {
        guard handle != nil else {
            logger.error("cannot start the MQTT client", metadata: ["reason": "\(setupFailure)"])
            return
        }
        reapFailedStart()
        state.withLock { s in
            switch s.phase {
            case .idle:
                do throws(MQTTError) {
                    try startThread(&s, failFast: false)
                } catch {
                    logger.error("cannot start the MQTT client", metadata: ["reason": "\(error)"])
                }
            case .running(failFast: true):
                s.phase = .running(failFast: false)
            case .running, .closed:
                break
            }
        }
    }

    /// Disconnects cleanly, stops and joins the network thread, destroys the libmosquitto
    /// client, fails whatever still waits, finishes the streams. Idempotent.
    func close() {
        let closing: (thread: NetworkThread?, wasConnected: Bool, broker: String)? = state.withLock { s in
            guard s.phase != .closed else { return nil }
            s.phase = .closed
            s.stopRequested = true
            s.stopDeadline = .now + .seconds(2)
            let connected = s.connection == .connected
            if s.thread != nil {
                handle?.disconnect()
            }
            defer { s.thread = nil }
            return (s.thread, connected, s.brokerAddress)
        }
        guard let closing else { return }
        wakeup.signal()
        wakeToWrite()
        closing.thread?.join()
        let (waiters, observers) = state.withLock { s in
            handle?.destroy()
            s.report(.closed)
            defer { s.observers = [:] }
            return (s.takeAllWaiters(), Array(s.observers.values))
        }
        // Outside the lock: finishing runs each stream's onTermination, which takes it.
        for observer in observers {
            observer.finish()
        }
        for waiter in waiters {
            waiter.resume(returning: .failure(.closed("waiting for the broker")))
        }
        messageSink.finish()
        if closing.wasConnected {
            logger.info("disconnected from the MQTT broker", metadata: ["broker": "\(closing.broker)"])
        }
    }

    // MARK: Acknowledgements

    /// The consumer has handled the next `count` messages. See ``MQTTClient/acknowledge(_:)``.
    func acknowledge(_ count: Int) {
        guard configuration.acknowledgement == .afterHandled, count > 0 else { return }
        acknowledged.add(count, ordering: .releasing)
        if acknowledgementsCaughtUp { wakeToWrite() }
    }

    /// Whether the network thread may write: always when acknowledging on receipt, else
    /// once every QoS 1 message received so far has been acknowledged (libmosquitto has
    /// queued their PUBACKs, and writes its queue whole and in order).
    var acknowledgementsCaughtUp: Bool {
        configuration.acknowledgement == .onReceipt
            || acknowledged.load(ordering: .acquiring) >= acknowledgementsNeeded.load(ordering: .acquiring)
    }

    /// Wakes the network thread after a call that queued something to write.
    func wakeToWrite() {
        wake?.signal()
    }

    var setupFailure: MQTTError {
        setupError ?? MQTTError(kind: .library, message: "the MQTT client could not be created")
    }

    // MARK: States

    var currentState: MQTTConnectionState {
        state.withLock { $0.connection }
    }

    /// A new stream of state changes, starting with the current state.
    func makeStateStream() -> AsyncStream<MQTTConnectionState> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: MQTTConnectionState.self, bufferingPolicy: .bufferingNewest(64))
        let id: Int? = state.withLock { s in
            continuation.yield(s.connection)
            guard s.phase != .closed else {
                continuation.finish()
                return nil
            }
            let id = s.nextObserverID
            s.nextObserverID += 1
            s.observers[id] = continuation
            return id
        }
        if let id {
            continuation.onTermination = { [weak self] _ in
                _ = self?.state.withLock { $0.observers.removeValue(forKey: id) }
            }
        }
        return stream
    }
}
