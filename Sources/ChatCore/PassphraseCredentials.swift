/// An MQTT login and password derived from a chat's passphrase, by either scheme:
/// ``LegacyCredentials`` or ``StrongCredentials``.
public protocol PassphraseCredentials: Sendable, Hashable {
    /// The MQTT user name (and HTTP Basic user).
    var login: String { get }
    /// The MQTT password (and HTTP Basic password).
    var password: String { get }
}

extension LegacyCredentials: PassphraseCredentials {}
