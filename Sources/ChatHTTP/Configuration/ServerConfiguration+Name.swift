extension ServerConfiguration {
    /// The name when none is configured.
    public static let defaultName = "ChaTT"

    /// The longest name accepted, in characters (a home screen shows about 12).
    public static let maximumNameLength = 40

    /// What is wrong with `name` as the chat's name (as "expected …" words), or `nil` when
    /// it is fine: 1 to ``maximumNameLength`` characters, no control characters, not only spaces.
    public static func nameProblem(_ name: String) -> String? {
        let expected = "a name of 1–\(maximumNameLength) characters without control characters"
        guard name.count <= maximumNameLength,
              !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }),
              name.contains(where: { !$0.isWhitespace })
        else { return expected }
        return nil
    }
}
