/// Turns what a person typed into an FTS5 query: every word must match (as a prefix),
/// and nothing typed can be read as FTS5 syntax.
enum FullTextQuery {
    /// The FTS5 query, or `nil` when there is no word to look for.
    static func make(_ typed: String) -> String? {
        let words = typed.split(whereSeparator: { $0.isWhitespace }).prefix(16)
        guard !words.isEmpty else { return nil }
        return words.map { word in
            "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\"*"
        }.joined(separator: " ")
    }
}

extension Substring {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
