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
}
