#if WebPush  // the package trait: without it (run.sh's first build) this module is empty
/// The page's mention rule (web/static/js/render.js `mentions`, applied to the text outside
/// code as message-node.js does): `text` mentions `@nick` when, ignoring case, `@nick`
/// appears outside code and is not the start of a longer name (the next character is not a
/// letter, digit, `_` or `-`).
package enum Mention {
    /// Whether `text` mentions `nick`.
    package static func mentions(_ text: String, nick: String) -> Bool {
        guard !nick.isEmpty else { return false }
        let haystack = Array(outsideCode(text).lowercased().unicodeScalars)
        let needle = Array("@\(nick.lowercased())".unicodeScalars)
        guard haystack.count >= needle.count else { return false }
        var at = 0
        while at + needle.count <= haystack.count {
            if haystack[at..<(at + needle.count)].elementsEqual(needle) {
                let next = at + needle.count
                if next == haystack.count || !continuesName(haystack[next]) { return true }
            }
            at += 1
        }
        return false
    }

    private static func continuesName(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        return properties.isAlphabetic || properties.numericType != nil || scalar == "_" || scalar == "-"
    }

    /// `text` without fenced code blocks (```` ``` ```` lines and what is between them) and
    /// inline `` `code` `` spans.
    static func outsideCode(_ text: String) -> String {
        var kept: [Substring] = []
        var inFence = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.drop(while: { $0 == " " }).hasPrefix("```") {
                inFence.toggle()
                continue
            }
            if !inFence { kept.append(line) }
        }
        var result = ""
        var inSpan = false
        let joined = kept.joined(separator: "\n")
        // A backtick opens a span only when another closes it later on.
        var remaining = joined.filter { $0 == "`" }.count
        for character in joined {
            if character == "`" {
                remaining -= 1
                if inSpan { inSpan = false; continue }
                if remaining > 0 { inSpan = true; continue }
            }
            if !inSpan { result.append(character) }
        }
        return result
    }
}
#endif
