import Synchronization

/// Publish, subscribe and unsubscribe: each makes its libmosquitto call under the lock and
/// registers its waiter in the same critical section, so the acknowledgement, which the
/// network thread handles under the same lock, always finds it. Each then wakes the network
/// thread, which writes what was queued.
extension ClientCore {
    func publish(topic: String, payload: [UInt8], qos: MQTTQoS, retain: Bool) async -> Result<Void, MQTTError> {
        guard let handle else { return .failure(setupFailure) }
        let operation = "publish to \(topic)"
        let check = MosquittoHandle.checkTopic(topic)
        guard check.isSuccess else { return .failure(MQTTError(operation, check)) }
        if qos == .atMostOnce {
            defer { wakeToWrite() }
            return state.withLock { s in
                guard s.phase != .closed else { return .failure(.closed(operation)) }
                let (status, _) = handle.publish(topic: topic, payload: payload, qos: qos, retain: retain)
                return status.isSuccess ? .success(()) : .failure(MQTTError(operation, status))
            }
        }
        return await wait(operation) { waiter in
            let immediate: Result<Void, MQTTError>? = state.withLock { s in
                guard s.phase != .closed else { return .failure(.closed(operation)) }
                // Until the CONNACK, keep the message and send it, in order, after the
                // re-subscriptions (see mosquittoDidConnect): libmosquitto queues QoS 1
                // messages only while it has a socket, and once it has one it writes them
                // right behind the CONNECT, where the broker routes them before this
                // client has subscribed again.
                let parked = CoreState.ParkedPublish(topic: topic, payload: payload, retain: retain, waiter: waiter)
                guard s.connection == .connected else {
                    s.parkedPublishes.append(parked)
                    return nil
                }
                let (status, mid) = handle.publish(topic: topic, payload: payload, qos: qos, retain: retain)
                if status.isNoConnection {
                    s.parkedPublishes.append(parked)
                    return nil
                }
                guard status.isSuccess else { return .failure(MQTTError(operation, status)) }
                s.publishWaiters[mid] = waiter
                return nil
            }
            wakeToWrite()
            if let immediate { waiter.resume(returning: immediate) }
        }
    }

    func subscribe(_ filter: String, qos: MQTTQoS) async -> Result<Void, MQTTError> {
        guard let handle else { return .failure(setupFailure) }
        let operation = "subscribe to \(filter)"
        let check = MosquittoHandle.checkFilter(filter)
        guard check.isSuccess else { return .failure(MQTTError(operation, check)) }
        return await wait(operation) { waiter in
            let immediate: Result<Void, MQTTError>? = state.withLock { s in
                switch s.phase {
                case .closed:
                    return .failure(.closed(operation))
                case .idle:
                    s.remember(filter, qos: qos)
                    return .success(())
                case .running:
                    s.remember(filter, qos: qos)
                }
                if s.connection == .connected {
                    let (status, mid) = handle.subscribe(filter, qos: qos)
                    if status.isSuccess {
                        s.subscribeMids[mid] = filter
                    } else if !status.isNoConnection {
                        s.forget(filter)
                        return .failure(MQTTError(operation, status))
                    }
                }
                s.subscribeWaiters[filter, default: []].append(waiter)
                return nil
            }
            wakeToWrite()
            if let immediate { waiter.resume(returning: immediate) }
        }
    }

    func unsubscribe(_ filter: String) async -> Result<Void, MQTTError> {
        guard let handle else { return .failure(setupFailure) }
        let operation = "unsubscribe from \(filter)"
        let check = MosquittoHandle.checkFilter(filter)
        guard check.isSuccess else { return .failure(MQTTError(operation, check)) }
        return await wait(operation) { waiter in
            let immediate: Result<Void, MQTTError>? = state.withLock { s in
                guard s.phase != .closed else { return .failure(.closed(operation)) }
                s.forget(filter)
                let pending = s.subscribeWaiters.removeValue(forKey: filter) ?? []
                for other in pending {
                    other.resume(returning: .failure(MQTTError(kind: .closed, message: "\(operation): unsubscribed before the broker granted it")))
                }
                guard s.connection == .connected else { return .success(()) }
                let (status, mid) = handle.unsubscribe(filter)
                if status.isNoConnection { return .success(()) }
                guard status.isSuccess else { return .failure(MQTTError(operation, status)) }
                s.unsubscribeWaiters[mid] = waiter
                return nil
            }
            wakeToWrite()
            if let immediate { waiter.resume(returning: immediate) }
        }
    }
}
