import Logging
import Synchronization
import Dispatch

/// The network thread: connect, run libmosquitto's loop until the connection ends, wait a
/// backoff delay, connect again — until the client closes.
///
/// With several brokers (``MQTTConfiguration/brokers``) each attempt after a failure or a
/// lost connection goes to the next one, round robin: at once while the current round has
/// brokers left to try, after the backoff delay once all of them have failed in a row.
///
/// libmosquitto's own `mosquitto_loop_start` thread is not used: its `loop_forever` gives
/// up for good on a DNS failure or a protocol error, blocks in a synchronous reconnect,
/// only knows whole-second delays and reports nothing about failed attempts. This loop
/// does the same work (on its own `poll`, see ``MosquittoHandle/loop(timeoutMilliseconds:wake:reading:mayWrite:)``)
/// and reports every attempt.
extension ClientCore {
    private enum Next {
        case stop
        case giveUp(MQTTError, [Waiter])
        case retry(after: Duration, MQTTError, next: Int)
    }

    /// The most received messages held back before yielding them.
    static let maximumBatch = 256
    /// The longest a received message is held back before it is yielded.
    static let maximumBatchDelay = Duration.milliseconds(1)
    /// A lost connection that had lasted less than this moves to the next broker only after
    /// the backoff delay, not at once: brokers that drop the client as soon as they accept
    /// it are not tried in a tight loop.
    static let shortestConnectionToHurry = Duration.milliseconds(100)
    /// With ``MQTTAcknowledgement/afterHandled``: how long writes may wait for the
    /// consumer's acknowledgements while reading goes on.
    static let maximumWriteHold = Duration.milliseconds(100)

    func runNetworkLoop() {
        guard let handle else { return }
        let brokers = configuration.brokers
        // The broker of this attempt, and the one the current round of attempts began with.
        var index = 0
        var roundStart = 0
        while true {
            let broker = brokers[index]
            let address = broker.address
            let proceed = state.withLock { s in
                guard !s.stopRequested else { return false }
                s.attemptFailure = nil
                s.connectedThisAttempt = false
                s.brokerAddress = address
                s.report(.connecting)
                return true
            }
            guard proceed else { return }

            var status = MosquittoStatus.success
            if brokers.count > 1 {
                status = handle.setCredentials(username: broker.username, password: broker.password)
            }
            if status.isSuccess {
                status = handle.connectAsync(host: broker.host, port: broker.port, keepAlive: configuration.keepAlive)
            }
            if status.isSuccess, let wake {
                var batchDeadline = ContinuousClock.now
                var writesHeldSince: ContinuousClock.Instant?
                repeat {
                    // With acknowledgements after handling, nothing is written while a
                    // QoS 1 message received waits for its acknowledgement. Reading goes on
                    // meanwhile (the broker's in-flight window bounds it), but not for
                    // longer than maximumWriteHold: then the consumer catches up and the
                    // broker hears from us (PUBACKs, publishes, keepalives).
                    var writing = acknowledgementsCaughtUp
                    if !writing, stopRequestedNow() {
                        // Closing. The consumer's last acknowledge() may have come between
                        // the read above and close(): read again, so that it still counts.
                        writing = acknowledgementsCaughtUp
                        // With messages not handled: leave without DISCONNECT or their
                        // PUBACKs; the broker sends them again to the next session.
                        if !writing { break }
                    }
                    var reading = true
                    if writing || !handle.wantsWrite {
                        writesHeldSince = nil
                    } else {
                        let since = writesHeldSince ?? .now
                        writesHeldSince = since
                        reading = ContinuousClock.now - since < Self.maximumWriteHold
                    }
                    // Received messages are handed to the consumer in bursts: once 256
                    // have gathered, or 1 ms after the first, or at once when reading
                    // waits for their acknowledgement. Waking the consumer once per burst
                    // rather than per message keeps up with mosquitto_sub.
                    let waiting = receivedBatchCount
                    if waiting > 0, !reading || waiting >= Self.maximumBatch || ContinuousClock.now >= batchDeadline {
                        flushReceived()
                        continue
                    }
                    status = handle.loop(timeoutMilliseconds: waiting == 0 ? 500 : 1, wake: wake, reading: reading) {
                        acknowledgementsCaughtUp
                    }
                    if waiting == 0, receivedBatchCount > 0 {
                        batchDeadline = .now + Self.maximumBatchDelay
                    }
                } while status.isSuccess && !stopDeadlinePassed()
                flushReceived()
            } else {
                let failure = MQTTError.unreachable(address, status)
                state.withLock { s in
                    if s.attemptFailure == nil { s.attemptFailure = failure }
                }
            }

            let next: Next = state.withLock { s in
                guard !s.stopRequested else { return .stop }
                let failure = s.attemptFailure
                    ?? (s.connectedThisAttempt ? .connectionLost(address, status) : .unreachable(address, status))
                s.report(.disconnected(reason: failure.message))
                // The mids of SUBSCRIBE and UNSUBSCRIBE died with the connection: the
                // filters are sent again on the next CONNACK; unsubscribes are done
                // (a clean session forgets them anyway).
                s.subscribeMids = [:]
                let unsubscribed = s.unsubscribeWaiters.values
                s.unsubscribeWaiters = [:]
                for waiter in unsubscribed {
                    waiter.resume(returning: .success(()))
                }
                // A lost connection starts a new round at the broker that was lost. One
                // dropped as soon as it was accepted (the session taken over by another
                // client with the same id, say) is no reason to hurry: the next broker
                // waits for the backoff, or two brokers could be tried in a tight loop.
                var hurry = true
                if s.connectedThisAttempt {
                    roundStart = index
                    if let since = s.connectedSince, ContinuousClock.now - since < Self.shortestConnectionToHurry {
                        hurry = false
                    }
                }
                let next = (index + 1) % brokers.count
                let roundOver = next == roundStart
                if roundOver, !s.everConnected, s.phase == .running(failFast: true) {
                    s.stopRequested = true
                    defer { s.connectWaiters = [] }
                    return .giveUp(failure, s.connectWaiters)
                }
                guard roundOver || !hurry else { return .retry(after: .zero, failure, next: next) }
                let delay = configuration.reconnectDelay(attempt: s.reconnectAttempt)
                s.reconnectAttempt += 1
                return .retry(after: delay, failure, next: next)
            }

            switch next {
            case .stop:
                return
            case .giveUp(let failure, let waiters):
                logger.error("cannot connect to the MQTT broker", metadata: ["reason": "\(failure)"])
                for waiter in waiters {
                    waiter.resume(returning: .failure(failure))
                }
                return
            case .retry(let delay, let failure, let next):
                if next == index {
                    logger.warning(
                        "MQTT connection down, retrying",
                        metadata: ["reason": "\(failure)", "retry.in": "\(delay)"])
                } else {
                    logger.warning(
                        "MQTT connection down, moving to the next broker",
                        metadata: [
                            "broker": "\(address)", "next.broker": "\(brokers[next].address)",
                            "reason": "\(failure)", "retry.in": "\(delay)",
                        ])
                }
                index = next
                guard delay > .zero else { continue }
                let (seconds, attoseconds) = delay.components
                let nanoseconds = Int(clamping: seconds) &* 1_000_000_000 &+ Int(attoseconds / 1_000_000_000)
                _ = wakeup.wait(timeout: .now() + .nanoseconds(nanoseconds))
            }
        }
    }

    /// Whether the client is closing.
    private func stopRequestedNow() -> Bool {
        state.withLock { $0.stopRequested }
    }

    /// While closing: whether the clean disconnect has had its time.
    private func stopDeadlinePassed() -> Bool {
        state.withLock { s in
            guard s.stopRequested, let deadline = s.stopDeadline else { return false }
            return ContinuousClock.now >= deadline
        }
    }
}
