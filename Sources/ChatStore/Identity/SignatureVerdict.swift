/// What memorize found when it checked a message of a nickname with a pinned key (SPEC.md,
/// "Identity and direct messages"); messages of unpinned nicknames have none (plain).
/// The history entry's sixth element shows it as `"sig"`.
public enum SignatureVerdict: String, Sendable, Hashable, Codable {
    /// Signed by the nickname's pinned key.
    case verified
    /// The nickname has a pinned key, and the signature is missing or wrong: stored and
    /// shown with a warning, never as verified.
    case forged
}
