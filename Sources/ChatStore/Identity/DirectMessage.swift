public import ChatCore

/// A direct message as memorize stores it (SPEC.md, "Identity and direct messages"): the
/// envelope as it came, ciphertext only; nobody but the two members can read it.
public struct DirectMessage: Sendable, Hashable {
    /// The store's key: increases with every direct message stored, the cursor for paging
    /// (`nil` before it is stored).
    public var key: Int64?
    /// Who wrote it.
    public var from: String
    /// To whom.
    public var to: String
    /// The sender's id; a second message with the same id is not stored.
    public var id: String
    /// The sender's time (ms).
    public var ts: Int64
    /// The AES-GCM nonce, base64url.
    public var nonce: String
    /// The ciphertext and its tag, base64url.
    public var ct: String
    /// The sender's signature, base64url.
    public var sig: String
    /// When memorize received it (ms).
    public var receivedAt: Int64
    /// Whether the sender's pinned key signed it (SPEC.md: a forged one is stored, flagged);
    /// `nil` when the sender has no pinned key (plain).
    public var verdict: SignatureVerdict?

    /// Creates the value.
    public init(key: Int64? = nil, from: String, to: String, id: String, ts: Int64, nonce: String, ct: String, sig: String,
                receivedAt: Int64, verdict: SignatureVerdict? = nil) {
        self.verdict = verdict
        self.key = key
        self.from = from
        self.to = to
        self.id = id
        self.ts = ts
        self.nonce = nonce
        self.ct = ct
        self.sig = sig
        self.receivedAt = receivedAt
    }

    /// The envelope received on `direct/<a>/<b>`, with memorize's verdict on its signature.
    public init(_ payload: DirectPayload, receivedAt: Int64, verdict: SignatureVerdict? = nil) {
        self.init(from: payload.from.rawValue, to: payload.to.rawValue, id: payload.id.rawValue, ts: payload.ts,
                  nonce: payload.nonce, ct: payload.ct, sig: payload.sig, receivedAt: receivedAt, verdict: verdict)
    }

    /// The conversation it belongs to: its two nicknames in code-point order.
    public var conversation: DirectConversation { DirectConversation(from, to) }
}

/// A direct conversation: two nicknames in code-point order (`direct/<a>/<b>`).
public struct DirectConversation: Sendable, Hashable, CustomStringConvertible {
    /// The first nickname in code-point order.
    public let a: String
    /// The second.
    public let b: String

    /// The conversation between `x` and `y`, in whichever order they come.
    public init(_ x: String, _ y: String) {
        if x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars, by: { $0.value < $1.value }) || x == y {
            (a, b) = (x, y)
        } else {
            (a, b) = (y, x)
        }
    }

    public var description: String { "direct/\(a)/\(b)" }
}

/// One page of a direct conversation, oldest first.
public struct DirectPage: Sendable, Hashable {
    /// The messages, oldest first.
    public var messages: [DirectMessage]
    /// Whether older messages exist before the first one.
    public var hasMore: Bool

    /// Creates a page.
    public init(messages: [DirectMessage], hasMore: Bool) {
        self.messages = messages
        self.hasMore = hasMore
    }
}
