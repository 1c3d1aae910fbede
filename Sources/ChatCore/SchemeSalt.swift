/// A chat's salt for the strong scheme: 16 random bytes, made once per chat (by `run.sh`),
/// written as base64url without padding (22 characters).
///
/// ```swift
/// let salt = try SchemeSalt("5FsG5mQesFB0tp8zvN_9sQ")
/// ```
public struct SchemeSalt: Sendable, Hashable, CustomStringConvertible {
    /// The salt's base64url text, exactly as the page's `chatt-scheme-salt` meta tag and
    /// `chatt-genpass --salt` carry it; this text (not the 16 bytes) goes into the
    /// derivation (see ``StrongCredentials``).
    public let text: String

    /// The number of random bytes a salt holds.
    public static let byteCount = 16

    /// Checks that `text` is the canonical unpadded base64url form of 16 bytes.
    ///
    /// - Throws: ``SchemeSaltError`` saying what is wrong.
    public init(_ text: String) throws(SchemeSaltError) {
        guard let bytes = Base64URL.decode(text), bytes.count == Self.byteCount,
              text.utf8.count == (Self.byteCount * 8 + 5) / 6 else {
            throw SchemeSaltError(text: text)
        }
        self.text = text
    }

    /// A salt of the given 16 bytes (the caller made them at random).
    ///
    /// - Precondition: `bytes` holds exactly ``byteCount`` bytes.
    public init(bytes: [UInt8]) {
        precondition(bytes.count == Self.byteCount, "a salt is \(Self.byteCount) bytes")
        self.text = Base64URL.encode(bytes)
    }

    /// The base64url text.
    public var description: String { text }
}

/// A salt that is not the base64url text of 16 bytes.
public struct SchemeSaltError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text that was given.
    public let text: String

    public var description: String {
        let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
        return "the salt must be the base64url text of 16 bytes, without padding "
            + "(22 characters of A–Z, a–z, 0–9, '-' and '_', as run.sh writes to DATA_DIR/scheme-salt); "
            + "got \"\(shown)\" (\(text.count) characters)"
    }
}
