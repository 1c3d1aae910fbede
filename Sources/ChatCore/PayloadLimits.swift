/// Size limits applied when payloads are decoded.
public struct PayloadLimits: Sendable, Hashable {
    /// The longest message text accepted, in UTF-8 bytes (16 KiB by default).
    public var maximumTextBytes: Int
    /// The longest message id accepted, in UTF-8 bytes.
    public var maximumIDBytes: Int

    /// The limits used when none are given.
    public static let `default` = PayloadLimits()

    /// Creates limits; the defaults are 16 KiB of text and 128 bytes of id.
    public init(maximumTextBytes: Int = 16 * 1024, maximumIDBytes: Int = 128) {
        self.maximumTextBytes = maximumTextBytes
        self.maximumIDBytes = maximumIDBytes
    }

    /// The largest whole payload worth parsing: the text may be JSON-escaped
    /// (`\uXXXX`, six bytes for one), plus room for the other fields.
    public var maximumPayloadBytes: Int { maximumTextBytes * 6 + 4096 }
}
