public import ChatCore

/// A pinned key in `/data/lastinfo`'s `"keys": {"<nick>": {"sign","dh"}}` (SPEC.md,
/// "Identity and direct messages"): base64url, as announced on `users/<nick>/key`.
public struct KeyEntry: Encodable, Sendable, Hashable {
    /// The Ed25519 public key.
    public var sign: String
    /// The X25519 public key.
    public var dh: String

    /// The entry for `identity`.
    public init(_ identity: PublicIdentity) {
        sign = identity.sign
        dh = identity.dh
    }

    /// The entries for `keys` (by nickname), or `nil` when there is none.
    static func entries(_ keys: [String: PublicIdentity]) -> [String: KeyEntry]? {
        keys.isEmpty ? nil : keys.mapValues(KeyEntry.init)
    }
}
