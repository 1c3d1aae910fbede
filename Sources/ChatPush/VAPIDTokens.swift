#if WebPush  // the package trait: without it (run.sh's first build) this module is empty
package import ChatWebPush
package import Foundation

/// The `Authorization` headers chatt-push sends, one per push service: a VAPID token is
/// valid 12 hours and names only the service's origin, so one is signed per origin and hour
/// and reused (an ES256 signature per push would be a third of the work of sending it).
package struct VAPIDTokens: Sendable {
    private let key: VAPIDKey
    private let subject: String
    private let reuse: TimeInterval
    private var made: [String: (header: String, at: Date)] = [:]

    /// Tokens signed by `key` naming `subject`, each reused for `reuse` seconds (less than
    /// their 12-hour lifetime, so a token is never sent near its expiry).
    package init(key: VAPIDKey, subject: String, reuse: TimeInterval = 3_600) {
        self.key = key
        self.subject = subject
        self.reuse = reuse
    }

    /// The header for a push to `endpoint` at `now`.
    package mutating func authorization(for endpoint: String, now: Date = Date()) throws -> String {
        let origin = EndpointPolicy.origin(of: endpoint) ?? endpoint
        if let kept = made[origin], now.timeIntervalSince(kept.at) < reuse, now >= kept.at {
            return kept.header
        }
        let header = try key.authorization(for: endpoint, subject: subject, now: now)
        if made.count > 64 { made.removeAll() }  // a handful of push services in practice
        made[origin] = (header, now)
        return header
    }
}
#endif
