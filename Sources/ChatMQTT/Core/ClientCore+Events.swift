import Logging
import Synchronization

/// libmosquitto's callbacks, on the network thread. Each takes the lock briefly or not
/// at all and never waits for anything else.
extension ClientCore: MosquittoEvents {
    func mosquittoDidConnect(code: Int32, sessionPresent: Bool) {
        let address = state.withLock { $0.brokerAddress }
        guard code == 0 else {
            state.withLock { s in
                s.attemptFailure = .refused(address, connack: code)
            }
            return
        }
        let (waiters, resubscribed) = state.withLock { s in
            s.connectedThisAttempt = true
            s.connectedSince = .now
            s.everConnected = true
            s.reconnectAttempt = 0
            // After a clean session (or a lost one) the broker knows none of our filters;
            // with a session it kept, only those never granted need sending.
            var resubscribed = 0
            if let handle {
                for filter in s.subscriptionOrder {
                    guard var subscription = s.subscriptions[filter], !sessionPresent || !subscription.confirmed else { continue }
                    let (status, mid) = handle.subscribe(filter, qos: subscription.qos)
                    if status.isSuccess {
                        s.subscribeMids[mid] = filter
                        resubscribed += 1
                    }
                    subscription.confirmed = false
                    s.subscriptions[filter] = subscription
                }
            }
            // QoS 1 messages published while the connection was down, in order, before
            // any new publish can slip in (those wait for this lock and `.connected`).
            let parked = s.parkedPublishes
            s.parkedPublishes = []
            for message in parked {
                guard let handle else { break }
                let (status, mid) = handle.publish(topic: message.topic, payload: message.payload, qos: .atLeastOnce, retain: message.retain)
                if status.isSuccess {
                    s.publishWaiters[mid] = message.waiter
                } else if status.isNoConnection {
                    s.parkedPublishes.append(message)
                } else {
                    message.waiter.resume(returning: .failure(MQTTError("publish to \(message.topic)", status)))
                }
            }
            s.report(.connected)
            defer { s.connectWaiters = [] }
            return (s.connectWaiters, resubscribed)
        }
        logger.info(
            "connected to the MQTT broker",
            metadata: [
                "broker": "\(address)", "session.present": "\(sessionPresent)",
                "resubscribed": "\(resubscribed)",
            ])
        for waiter in waiters {
            waiter.resume(returning: .success(()))
        }
    }

    func mosquittoDidDisconnect(_ status: MosquittoStatus) {
        guard !status.isSuccess else { return }
        state.withLock { s in
            guard s.attemptFailure == nil else { return }
            let address = s.brokerAddress
            s.attemptFailure = s.connectedThisAttempt ? .connectionLost(address, status) : .unreachable(address, status)
        }
    }

    func mosquittoDidPublish(mid: Int32) {
        let waiter = state.withLock { $0.publishWaiters.removeValue(forKey: mid) }
        waiter?.resume(returning: .success(()))
    }

    func mosquittoDidSubscribe(mid: Int32, grantedQoS: [Int32]) {
        let (waiters, result): ([Waiter], Result<Void, MQTTError>) = state.withLock { s in
            guard let filter = s.subscribeMids.removeValue(forKey: mid) else { return ([], .success(())) }
            let waiters = s.subscribeWaiters.removeValue(forKey: filter) ?? []
            let granted = grantedQoS.first ?? 0x80
            guard granted < 0x80 else {
                s.forget(filter)
                let error = MQTTError(
                    kind: .subscriptionRefused,
                    message: "subscribe to \(filter): the broker refused the subscription (not authorised?)",
                    code: Int(granted))
                return (waiters, .failure(error))
            }
            s.subscriptions[filter]?.confirmed = true
            return (waiters, .success(()))
        }
        if case .failure(let error) = result {
            logger.warning("subscription refused", metadata: ["reason": "\(error)"])
        }
        for waiter in waiters {
            waiter.resume(returning: result)
        }
    }

    func mosquittoDidUnsubscribe(mid: Int32) {
        let waiter = state.withLock { $0.unsubscribeWaiters.removeValue(forKey: mid) }
        waiter?.resume(returning: .success(()))
    }

    func mosquittoDidReceive(_ message: MQTTMessage) {
        // Copy and keep; never wait here: this thread also answers keepalives and
        // acknowledgements. libmosquitto has already queued this message's PUBACK, which
        // goes out at the next write (held back, with .afterHandled, until the consumer
        // acknowledges). The network loop yields the batch within a millisecond.
        receivedBatch.withLock { $0.append(message) }
        let number = delivered.add(1, ordering: .relaxed).newValue
        if message.qos != .atMostOnce {
            acknowledgementsNeeded.store(number, ordering: .releasing)
        }
    }

    /// Hands the messages received so far to ``messages``, as one burst. Network thread only.
    func flushReceived() {
        var burst = receivedBatch.withLock { batch in
            defer { batch.removeAll(keepingCapacity: true) }
            return batch
        }
        guard !burst.isEmpty else { return }
        if case .bounded(let limit) = configuration.messageBuffering {
            let room = max(0, limit - waitingMessages.count.load(ordering: .relaxed))
            if burst.count > room {
                let dropped = burst.count - room
                burst.removeLast(dropped)
                // Dropped messages will never be acknowledged by the consumer.
                acknowledge(dropped)
                let total = droppedMessages.add(dropped, ordering: .relaxed).newValue
                if total == dropped || total / 1000 != (total - dropped) / 1000 {
                    logger.warning(
                        "dropped incoming messages: the consumer is too slow for the buffer",
                        metadata: ["dropped.total": "\(total)", "buffer.limit": "\(limit)"])
                }
                if burst.isEmpty { return }
            }
        }
        waitingMessages.count.add(burst.count, ordering: .relaxed)
        messageSink.yield(burst)
    }

    /// How many received messages wait for ``flushReceived()``.
    var receivedBatchCount: Int { receivedBatch.withLock { $0.count } }
}
