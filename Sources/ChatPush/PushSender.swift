#if WebPush  // the package trait: without it (run.sh's first build) this module is empty
/// One Web Push request, ready to go: the encrypted body and the headers RFC 8030/8291/8292 ask.
package struct PushRequest: Sendable {
    /// The push service's URL.
    package var endpoint: String
    /// header ‖ record (``ChatWebPush/PushEncryption``).
    package var body: [UInt8]
    /// `Authorization: vapid t=…, k=…`.
    package var authorization: String
    /// How long the push service keeps it for an offline browser, in seconds (`TTL`).
    package var ttl: Int
    /// `very-low`, `low`, `normal` or `high` (`Urgency`).
    package var urgency: String

    /// A request of `body` for `endpoint`.
    package init(endpoint: String, body: [UInt8], authorization: String, ttl: Int, urgency: String) {
        self.endpoint = endpoint
        self.body = body
        self.authorization = authorization
        self.ttl = ttl
        self.urgency = urgency
    }

    /// The request's headers, in the order they are sent.
    package var headers: [(String, String)] {
        [("Content-Type", "application/octet-stream"), ("Content-Encoding", "aes128gcm"),
         ("TTL", String(ttl)), ("Urgency", urgency), ("Authorization", authorization)]
    }
}

/// What the push service answered.
package enum PushOutcome: Sendable, Hashable {
    /// 2xx: accepted.
    case delivered
    /// 404 or 410: the subscription is gone for good; it is deleted.
    case gone(status: Int)
    /// Any other answer, or no answer: logged, not retried.
    case failed(String)
}

/// Posts push requests (``WebPushSender`` with async-http-client; tests may pass another).
package protocol PushSender: Sendable {
    /// Sends `request` once and says what came of it; never throws.
    func send(_ request: PushRequest) async -> PushOutcome
}
#endif
