internal import ChatCore

/// The parts of the passphrase scheme as the layers give them, with where each came from
/// (for errors): combined by ``ServerConfiguration/resolveScheme()`` once all are read.
struct UnresolvedScheme: Sendable, Equatable {
    /// One value and where it came from (`--scheme`, `environment variable CHATT_SCHEME`,
    /// `config key `auth.scheme``).
    struct Setting: Sendable, Equatable {
        var value: String
        var source: String
    }

    var name: Setting?
    var salt: Setting?
    /// `auth.passphrase`, derived under the final scheme.
    var passphrase: Setting?
}

extension ServerConfiguration {
    /// Combines the scheme's name and salt (legacy when no layer named one), then derives
    /// `auth.passphrase` under it.
    ///
    /// - Throws: ``ConfigurationError`` naming the setting: an unknown name, `strong`
    ///   without a salt, a malformed salt, or a salt with the legacy scheme (it would be
    ///   ignored, so it is more likely a mistake).
    mutating func resolveScheme() throws(ConfigurationError) {
        let parts = unresolved
        unresolved = UnresolvedScheme()
        let name = parts.name?.value ?? "legacy"
        do {
            scheme = try CredentialScheme(name: name, salt: parts.salt?.value)
        } catch {
            switch error {
            case .unknownName:
                throw ConfigurationError("\(parts.name?.source ?? "scheme"): expected legacy or strong, got \(ConfigurationError.quoted(name))")
            case .missingSalt:
                throw ConfigurationError("\(parts.name?.source ?? "scheme") is strong but no salt is set: give the chat's salt "
                    + "with --scheme-salt, CHATT_SCHEME_SALT or auth.scheme_salt (run.sh keeps it in DATA_DIR/scheme-salt)")
            case .invalidSalt(let error):
                throw ConfigurationError("\(parts.salt?.source ?? "scheme salt"): \(error)")
            }
        }
        if scheme == .legacy, let salt = parts.salt {
            throw ConfigurationError("\(salt.source) is set but the scheme is legacy: set CHATT_SCHEME=strong "
                + "(--scheme strong, auth.scheme: strong), or remove the salt")
        }
        if let passphrase = parts.passphrase {
            credentials = try Self.credentials(passphrase: passphrase.value, key: passphrase.source, scheme: scheme)
        }
    }

    /// Derives the HTTP credentials from a passphrase, as the page and `chatt-genpass` do;
    /// an empty passphrase means "not protected".
    static func credentials(passphrase: String, key: String, scheme: CredentialScheme)
        throws(ConfigurationError) -> HTTPCredentials?
    {
        guard !passphrase.isEmpty else { return nil }
        do {
            let pair = try scheme.credentials(passphrase: passphrase)
            return HTTPCredentials(login: pair.login, password: pair.password, source: key)
        } catch {
            throw ConfigurationError("config key `\(key)`: \(error)")
        }
    }
}
