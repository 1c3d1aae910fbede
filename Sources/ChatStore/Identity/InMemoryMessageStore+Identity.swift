internal import Synchronization

extension InMemoryMessageStore {
    public func pinKey(_ value: String, for nick: String) async throws -> (kept: String, isNew: Bool) {
        state.withLock { state in
            let key = PinnedKey.settingPrefix + nick
            if let kept = state.settings[key] { return (kept, false) }
            state.settings[key] = value
            state.version += 1
            return (value, true)
        }
    }

    public func pinnedKeyValues() async throws -> [String: String] {
        state.withLock { state in
            var keys: [String: String] = [:]
            for (key, value) in state.settings where key.hasPrefix(PinnedKey.settingPrefix) {
                keys[String(key.dropFirst(PinnedKey.settingPrefix.count))] = value
            }
            return keys
        }
    }

    public func forgetKey(of nick: String) async throws -> Bool {
        state.withLock { state in
            guard state.settings.removeValue(forKey: PinnedKey.settingPrefix + nick) != nil else { return false }
            state.version += 1
            return true
        }
    }
}
