package import ChatCore
package import ChatStore

/// What an event's signature covers and the signature it came with (SPEC.md): checked
/// against its author's pinned key, if the author has one.
package struct EventSignature: Sendable, Hashable {
    /// The signed input; `nil` when the event cannot be signed (a message without id or ts).
    package var input: SignatureInput?
    /// The `sig` field, if any.
    package var sig: String?

    /// Creates the value.
    package init(input: SignatureInput?, sig: String?) {
        self.input = input
        self.sig = sig
    }

    /// `verified` when `identity` signed it, else `forged` (missing or wrong).
    package func verdict(by identity: PublicIdentity) -> SignatureVerdict {
        guard let input, let sig, identity.verifies(sig, for: input) else { return .forged }
        return .verified
    }

    /// Why a forged verdict was given, for the log: no signature, one that is not a
    /// signature at all, or one that the pinned key did not make (another key's, or an
    /// altered event: the two cannot be told apart).
    package var forgeryReason: String {
        guard let sig, !sig.isEmpty else { return "no signature (sig missing)" }
        guard input != nil else { return "nothing to check the signature against (the event has no id or ts)" }
        guard let bytes = Base64URL.decode(sig), bytes.count == 64 else { return "sig is not an Ed25519 signature (64 bytes in base64url)" }
        return "sig is not the pinned key's signature of this event (made with another key, or the event was altered)"
    }
}
