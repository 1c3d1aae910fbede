#if PostgreSQL  // the package trait: without it this module is empty (see Package.swift)
/// Turns what a person typed into a PostgreSQL `tsquery`: every word must match (as a
/// prefix), and nothing typed can be read as `tsquery` syntax.
///
/// Words are the runs of letters and digits, as the `simple` text search parser cuts
/// them (so "don't" looks for "don" and "t", as FTS5 does on SQLite).
enum TextSearchQuery {
    /// The `tsquery` text, or `nil` when there is no word to look for.
    static func make(_ typed: String) -> String? {
        let words = typed.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).prefix(16)
        guard !words.isEmpty else { return nil }
        return words.map { "\($0.lowercased()):*" }.joined(separator: " & ")
    }
}
#endif
