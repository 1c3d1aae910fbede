import Synchronization

extension InMemoryMessageStore {
    public func savePushSubscription(_ subscription: StoredPushSubscription) async throws -> Bool {
        state.withLock { state in
            if let at = state.pushSubscriptions.firstIndex(where: { $0.endpoint == subscription.endpoint }) {
                var replacement = subscription
                replacement.created = state.pushSubscriptions[at].created
                state.pushSubscriptions[at] = replacement
                return false
            }
            state.pushSubscriptions.append(subscription)
            return true
        }
    }

    public func deletePushSubscription(endpoint: String) async throws -> Bool {
        state.withLock { state in
            let before = state.pushSubscriptions.count
            state.pushSubscriptions.removeAll { $0.endpoint == endpoint }
            return state.pushSubscriptions.count < before
        }
    }

    public func pushSubscriptions() async throws -> [StoredPushSubscription] {
        state.withLock { $0.pushSubscriptions }
    }
}
