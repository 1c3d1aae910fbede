/// How a chat turns its passphrase into the MQTT login and password: the original's
/// ``legacy`` derivation (existing chats, password files and clients), or the ``strong``
/// one with the chat's salt (new chats).
///
/// ```swift
/// let scheme = try CredentialScheme(name: "strong", salt: "5FsG5mQesFB0tp8zvN_9sQ")
/// let pair = try scheme.credentials(passphrase: "foobar")
/// ```
public enum CredentialScheme: Sendable, Hashable, CustomStringConvertible {
    /// ``LegacyCredentials``: the original's derivation, kept exact. Its login gives its
    /// password away (the pair comes from a seed below 2^31).
    case legacy
    /// ``StrongCredentials`` with this chat's salt.
    case strong(SchemeSalt)

    /// The names the configuration and the page's `chatt-scheme` meta tag use.
    public static let names = ["legacy", "strong"]

    /// The scheme named `name` (`legacy` or `strong`, any case); `strong` needs `salt`,
    /// `legacy` ignores it.
    ///
    /// - Throws: ``CredentialSchemeError`` for another name, a missing salt, or a salt
    ///   that is not base64url of 16 bytes.
    public init(name: String, salt: String?) throws(CredentialSchemeError) {
        switch name.lowercased() {
        case "legacy":
            self = .legacy
        case "strong":
            guard let salt, !salt.isEmpty else { throw .missingSalt }
            do {
                self = .strong(try SchemeSalt(salt))
            } catch {
                throw .invalidSalt(error)
            }
        default:
            throw .unknownName(name)
        }
    }

    /// `legacy` or `strong`, as the `chatt-scheme` meta tag says it.
    public var name: String {
        switch self {
        case .legacy: "legacy"
        case .strong: "strong"
        }
    }

    /// The salt, for the strong scheme.
    public var salt: SchemeSalt? {
        switch self {
        case .legacy: nil
        case .strong(let salt): salt
        }
    }

    public var description: String { name }

    /// Derives the pair of `passphrase` under this scheme.
    ///
    /// - Throws: ``PassphraseTooLongError`` from the legacy derivation only.
    public func credentials(passphrase: String) throws(PassphraseTooLongError) -> any PassphraseCredentials {
        switch self {
        case .legacy: try LegacyCredentials(passphrase: passphrase)
        case .strong(let salt): StrongCredentials(passphrase: passphrase, salt: salt)
        }
    }
}

/// A scheme name or salt that cannot be used.
public enum CredentialSchemeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name is neither `legacy` nor `strong`.
    case unknownName(String)
    /// `strong` was chosen without a salt.
    case missingSalt
    /// The salt is not base64url of 16 bytes.
    case invalidSalt(SchemeSaltError)

    public var description: String {
        switch self {
        case .unknownName(let name):
            "unknown credential scheme \"\(name)\": expected legacy or strong"
        case .missingSalt:
            "the strong scheme needs the chat's salt (base64url of 16 random bytes; run.sh keeps it in DATA_DIR/scheme-salt)"
        case .invalidSalt(let error):
            "\(error)"
        }
    }
}
