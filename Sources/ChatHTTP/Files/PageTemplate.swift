internal import NIOCore

/// `index.html` cut where the server's `<meta>` tags go: right after `<head …>`, else before
/// `</head>`, else at the very start.
struct PageTemplate: Sendable {
    let before: [UInt8]
    let after: [UInt8]

    init(html: ByteBuffer) {
        let bytes = Array(html.readableBytesView)
        // ASCII lower case only: the tags we look for are ASCII, and offsets stay the same.
        let lower = bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        let split: Int
        if let head = Self.openingHead(in: lower), let close = lower[head...].firstIndex(of: UInt8(ascii: ">")) {
            split = close + 1
        } else if let closing = Self.find(Array("</head>".utf8), in: lower, from: 0) {
            split = closing
        } else {
            split = 0
        }
        self.before = Array(bytes[..<split])
        self.after = Array(bytes[split...])
    }

    /// The offset of `<head` followed by `>` or white space (not `<header>`).
    private static func openingHead(in lower: [UInt8]) -> Int? {
        var start = 0
        while let found = find(Array("<head".utf8), in: lower, from: start) {
            let next = found + 5 < lower.count ? lower[found + 5] : 0
            if next == UInt8(ascii: ">") || next == UInt8(ascii: " ") || next == UInt8(ascii: "\n")
                || next == UInt8(ascii: "\t") || next == UInt8(ascii: "\r") {
                return found
            }
            start = found + 5
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0] && haystack[index..<index + needle.count].elementsEqual(needle) {
                return index
            }
            index += 1
        }
        return nil
    }

    /// The page with `<meta name="…" content="…">` for each pair, values HTML-escaped.
    func render(meta: [(name: String, content: String)]) -> ByteBuffer {
        var tags = ""
        for (name, content) in meta {
            tags += "\n<meta name=\"\(HTML.escape(name))\" content=\"\(HTML.escape(content))\">"
        }
        if after.first != UInt8(ascii: "\n") { tags += "\n" }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(before.count + tags.utf8.count + after.count)
        buffer.writeBytes(before)
        buffer.writeString(tags)
        buffer.writeBytes(after)
        return buffer
    }
}

/// HTML escaping for text and attribute values.
enum HTML {
    /// `&`, `<`, `>`, `"` and `'` as character references.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
