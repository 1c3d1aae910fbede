/// The keys of the settings the daemons keep in the store (``MessageStore/setting(_:)``).
public enum SettingKey {
    /// memorize's MQTT client id when none is given: random, made once, so that nobody can
    /// guess it and take over memorize's session.
    public static let memorizeClientID = "memorize.client-id"
    /// How many messages memorize set aside because the store refused them (a counter).
    public static let setAsideMessages = "memorize.set-aside-messages"
}
