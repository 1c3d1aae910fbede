public import ChatStore
public import Hummingbird

/// `GET /data/direct/<a>/<b>/messages`: `{"messages": [{"from","to","id","ts","nonce","ct",
/// "sig","key","verdict"}, ...], "hasMore": bool}`, oldest first: the envelopes as they came
/// (ciphertext only); `key` is the cursor for `before=`; `verdict` (`verified` / `forged`)
/// only when the sender has a pinned key, as memorize found it.
public struct DirectPageResponse: ResponseEncodable, Sendable {
    /// One envelope.
    public struct Entry: Encodable, Sendable, Hashable {
        public var from: String
        public var to: String
        public var id: String
        public var ts: Int64
        public var nonce: String
        public var ct: String
        public var sig: String
        /// The store's key: ask `before=` the first entry's key for older ones.
        public var key: Int64
        /// Whether the sender's pinned key signed it; absent for a sender without one.
        public var verdict: SignatureVerdict?
    }

    /// The page, oldest first.
    public var messages: [Entry]
    /// Whether older messages exist.
    public var hasMore: Bool

    /// The response for `page`.
    public init(_ page: DirectPage) {
        messages = page.messages.map {
            Entry(from: $0.from, to: $0.to, id: $0.id, ts: $0.ts, nonce: $0.nonce, ct: $0.ct, sig: $0.sig, key: $0.key ?? 0,
                  verdict: $0.verdict)
        }
        hasMore = page.hasMore
    }
}
