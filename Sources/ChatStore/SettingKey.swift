/// The keys of the settings the daemons keep in the store (``MessageStore/setting(_:)``).
public enum SettingKey {
    /// memorize's MQTT client id when none is given: random, made once, so that nobody can
    /// guess it and take over memorize's session.
    public static let memorizeClientID = "memorize.client-id"
    /// How many messages memorize set aside because the store refused them (a counter).
    public static let setAsideMessages = "memorize.set-aside-messages"
    /// How many held v2 events were dropped, oldest first, to keep the held count at its
    /// bound (a counter).
    public static let droppedHeldEvents = "memorize.dropped-held-events"
    /// The chat's VAPID private key (Web Push, RFC 8292), base64url: made once by whichever
    /// of chatt-server and chatt-push needs it first (``MessageStore/setting(_:default:)``).
    public static let vapidPrivateKey = "push.vapid-private-key"
}
