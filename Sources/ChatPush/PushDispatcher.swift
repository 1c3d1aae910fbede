#if WebPush  // the package trait: without it (run.sh's first build) this module is empty
package import ChatStore
package import ChatWebPush
import Foundation
package import Logging

/// Turns each event into Web Push requests and sends them: picks the recipients
/// (``PushRecipients``), encrypts for each (RFC 8291), signs (VAPID, RFC 8292) and posts,
/// a few at a time. A subscription the push service says is gone (404, 410) is deleted;
/// other failures are logged and not retried.
package actor PushDispatcher {
    /// The settings of the sending.
    package struct Settings: Sendable {
        /// The VAPID `sub` claim: a `mailto:` or `https:` contact.
        package var subject = VAPIDSubject.default
        /// Which endpoints are sent to (loopback only in tests).
        package var policy = EndpointPolicy.production
        /// `TTL`, in seconds: how long a push service keeps a push for an offline browser.
        package var ttl = 24 * 3_600
        /// The most requests in flight at once.
        package var concurrency = 16

        /// The defaults.
        package init() {}
    }

    /// What has been done, for logs and tests.
    package struct Statistics: Sendable, Hashable {
        package var sent = 0
        package var failed = 0
        package var removed = 0
    }

    private let store: any MessageStore
    private let sender: any PushSender
    private var tokens: VAPIDTokens
    private let settings: Settings
    private let logger: Logger
    private var recentIDs: [String] = []
    private var recentSet: Set<String> = []
    package private(set) var statistics = Statistics()

    /// A dispatcher that reads subscriptions from `store` and signs with `key`.
    package init(store: any MessageStore, sender: any PushSender, key: VAPIDKey, settings: Settings, logger: Logger) {
        self.store = store
        self.sender = sender
        tokens = VAPIDTokens(key: key, subject: settings.subject)
        self.settings = settings
        self.logger = logger
    }

    /// The chat's VAPID key: the one kept in `store`, made and kept now when there is none
    /// (the same as chatt-server's: the first to ask makes it).
    package static func vapidKey(in store: any MessageStore) async throws -> VAPIDKey {
        let stored = try await store.setting(SettingKey.vapidPrivateKey, default: VAPIDKey().storedValue)
        guard let key = VAPIDKey(storedValue: stored) else {
            throw PushConfigurationError("the VAPID key kept in the database (setting \(SettingKey.vapidPrivateKey)) is not a P-256 key")
        }
        return key
    }

    /// Sends what `event` calls for; returns when every request has an answer.
    package func handle(_ event: PushEvent) async {
        if let id = event.id {
            guard remember(id) else { return }
        }
        let subscriptions: [StoredPushSubscription]
        do {
            subscriptions = try await store.pushSubscriptions()
        } catch {
            logger.warning("cannot read the push subscriptions", metadata: ["error": "\(error)"])
            return
        }
        let targets = PushRecipients.select(for: event, among: subscriptions)
        guard !targets.isEmpty else { return }
        var requests: [(String, PushRequest)] = []
        for (subscription, notification) in targets {
            do {
                let checked = try PushSubscription(
                    endpoint: subscription.endpoint, p256dh: subscription.p256dh, auth: subscription.auth, policy: settings.policy)
                let body = try PushEncryption.encrypt(notification.jsonBytes, for: checked)
                let authorization = try tokens.authorization(for: checked.endpoint)
                requests.append((subscription.nick, PushRequest(
                    endpoint: checked.endpoint, body: body, authorization: authorization, ttl: settings.ttl,
                    urgency: notification.kind == "message" ? "normal" : "high")))
            } catch {
                statistics.failed += 1
                logger.warning("push not sent", metadata: ["nick": "\(subscription.nick)", "reason": "\(error)"])
            }
        }
        let sender = self.sender
        let outcomes = await withTaskGroup(of: (String, PushRequest, PushOutcome).self) { group in
            var outcomes: [(String, PushRequest, PushOutcome)] = []
            var next = requests.makeIterator()
            for _ in 0..<settings.concurrency {
                guard let (nick, request) = next.next() else { break }
                group.addTask { (nick, request, await sender.send(request)) }
            }
            while let outcome = await group.next() {
                outcomes.append(outcome)
                if let (nick, request) = next.next() {
                    group.addTask { (nick, request, await sender.send(request)) }
                }
            }
            return outcomes
        }
        for (nick, request, outcome) in outcomes {
            await record(outcome, nick: nick, endpoint: request.endpoint)
        }
    }

    private func record(_ outcome: PushOutcome, nick: String, endpoint: String) async {
        switch outcome {
        case .delivered:
            statistics.sent += 1
            logger.debug("push sent", metadata: ["nick": "\(nick)"])
        case .gone(let status):
            statistics.removed += 1
            do {
                _ = try await store.deletePushSubscription(endpoint: endpoint)
                logger.info("push subscription gone: deleted", metadata: [
                    "nick": "\(nick)", "status": "\(status)", "endpoint": "\(Self.shortened(endpoint))"])
            } catch {
                logger.warning("push subscription gone, but cannot delete it", metadata: [
                    "nick": "\(nick)", "status": "\(status)", "error": "\(error)"])
            }
        case .failed(let reason):
            statistics.failed += 1
            logger.warning("push failed (not retried)", metadata: [
                "nick": "\(nick)", "endpoint": "\(Self.shortened(endpoint))", "reason": "\(reason)"])
        }
    }

    /// The endpoint's origin and the start of its path: enough to tell, not the whole secret URL.
    static func shortened(_ endpoint: String) -> String {
        endpoint.count > 48 ? String(endpoint.prefix(48)) + "…" : endpoint
    }

    /// Whether `id` is new among the last 1,000 (QoS 1 may deliver twice).
    private func remember(_ id: String) -> Bool {
        guard recentSet.insert(id).inserted else { return false }
        recentIDs.append(id)
        if recentIDs.count > 1_000 {
            recentSet.remove(recentIDs.removeFirst())
        }
        return true
    }
}

/// A setting chatt-push cannot work with, said so that it can be fixed.
package struct PushConfigurationError: Error, Sendable, CustomStringConvertible {
    package let description: String

    /// An error saying `description`.
    package init(_ description: String) {
        self.description = description
    }
}
#endif
