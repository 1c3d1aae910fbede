public import ChatCore

/// What to search for: words, an author, or both; in one room or all; older than a key.
public struct MessageSearch: Sendable, Hashable {
    /// The room to search, or `nil` for every room.
    public var room: RoomName?
    /// Words that must all match (as prefixes); may be empty when ``author`` is given.
    public var words: String
    /// Only messages of this author (compared without regard to ASCII case), when given.
    public var author: String?
    /// Only messages whose key is below this one (the `before=` of the next page).
    public var before: Int64?
    /// At most this many results.
    public var limit: Int

    /// Creates a search.
    public init(room: RoomName? = nil, words: String, author: String? = nil, before: Int64? = nil, limit: Int) {
        self.room = room
        self.words = words
        self.author = author
        self.before = before
        self.limit = limit
    }

    /// Whether there is nothing to look for: no word and no author.
    public var isEmpty: Bool {
        author == nil && words.split(whereSeparator: { $0.isWhitespace }).isEmpty
    }

    /// Whether `message` matches, by the rules the in-memory store applies (every word a
    /// prefix of a word of the text, without regard to case).
    func matches(_ message: StoredMessage) -> Bool {
        // A deleted message's text is gone, and so is the message from every search.
        if message.extras?.deleted == true { return false }
        if let room, message.room != room { return false }
        if let before, message.key >= before { return false }
        if let author, message.author.lowercased() != author.lowercased() { return false }
        let textWords = message.text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) })
        return words.lowercased().split(whereSeparator: { $0.isWhitespace }).allSatisfy { word in
            let wanted = word.filter { $0.isLetter || $0.isNumber }
            return wanted.isEmpty || textWords.contains { $0.hasPrefix(wanted) }
        }
    }
}

/// A page of search results, newest first.
public struct SearchPage: Sendable, Hashable {
    /// The matches, newest first.
    public var messages: [StoredMessage]
    /// Whether more matches exist past the last one (ask again with `before=` its key).
    public var hasMore: Bool

    /// Creates a page.
    public init(messages: [StoredMessage], hasMore: Bool) {
        self.messages = messages
        self.hasMore = hasMore
    }
}
