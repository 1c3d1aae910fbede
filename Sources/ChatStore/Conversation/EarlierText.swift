/// A text an edited message had before: what it said, and since when (ms).
public struct EarlierText: Sendable, Hashable, Codable {
    /// The text.
    public var text: String
    /// When it was written or last edited before (ms).
    public var ts: Int64

    /// Creates the value.
    public init(text: String, ts: Int64) {
        self.text = text
        self.ts = ts
    }
}
