/// Size limits applied when payloads are decoded.
public struct PayloadLimits: Sendable, Hashable {
    /// The longest message text accepted, in UTF-8 bytes (16 KiB by default).
    public var maximumTextBytes: Int
    /// The longest message id accepted, in UTF-8 bytes.
    public var maximumIDBytes: Int
    /// The most bytes a message's text may take once written as a JSON string (32 KiB by
    /// default): what every page opening the history downloads for it. Control characters
    /// take six bytes each there (`\u0001`), so 16 KiB of them would cost 96 KiB for every
    /// reader; ordinary text, even all quotes, fits.
    public var maximumEscapedTextBytes: Int

    /// The limits used when none are given.
    public static let `default` = PayloadLimits()

    /// Creates limits; the defaults are 16 KiB of text (32 KiB once JSON-escaped) and
    /// 128 bytes of id.
    public init(maximumTextBytes: Int = 16 * 1024, maximumIDBytes: Int = 128, maximumEscapedTextBytes: Int? = nil) {
        self.maximumTextBytes = maximumTextBytes
        self.maximumIDBytes = maximumIDBytes
        self.maximumEscapedTextBytes = maximumEscapedTextBytes ?? maximumTextBytes * 2
    }

    /// The largest whole payload worth parsing: the text may be JSON-escaped
    /// (`\uXXXX`, six bytes for one), plus room for the other fields.
    public var maximumPayloadBytes: Int { maximumTextBytes * 6 + 4096 }
}
