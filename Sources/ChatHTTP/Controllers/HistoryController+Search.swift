internal import ChatCore
internal import ChatStore
internal import Hummingbird

extension HistoryController {
    /// What `q` asks for: the words (checked as ``searchWords(_:)`` checks them) and the
    /// author of a `from:<nick>` term, if any.
    struct SearchTerms: Equatable {
        var words: String
        var author: String?
    }

    /// `q` read: `from:<nick>` (any case of `from:`) names the author; the other words are
    /// checked and kept as ``searchWords(_:)`` does. Words may be missing when an author is given.
    static func searchTerms(_ q: String?) throws -> SearchTerms {
        var author: String?
        var rest: [Substring] = []
        for term in (q ?? "").split(whereSeparator: { $0.isWhitespace || $0 == "+" }) {
            if term.lowercased().hasPrefix("from:"), term.count > 5 {
                author = String(term.dropFirst(5))
            } else {
                rest.append(term)
            }
        }
        guard let author else { return SearchTerms(words: try searchWords(q)) }
        guard (q ?? "").unicodeScalars.count <= maximumQueryLength else {
            throw HTTPError(.badRequest, message: "query parameter `q` is too long: at most \(maximumQueryLength) characters")
        }
        guard !author.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw HTTPError(.badRequest, message: "query parameter `q` holds control characters: search for words")
        }
        // Beside an author, words too short to search for are simply left out.
        let kept = rest.filter { $0.count >= minimumWordLength }
        let words = kept.isEmpty ? "" : try searchWords(kept.joined(separator: " "))
        return SearchTerms(words: words, author: author)
    }

    /// Reads `q`, `before` and `limit`, and searches `room` (every room when `nil`), within
    /// the bound on searches at once.
    func runSearch(_ request: Request, room: RoomName?) async throws -> SearchPage {
        let query = request.uri.queryParameters
        let terms = try Self.searchTerms(query["q"].map(String.init))
        let before = try Self.integer(query["before"].map(String.init), name: "before", in: 1...Int64.max)
        let limit = try Self.integer(query["limit"].map(String.init), name: "limit",
                                     in: 1...Int64(ServerConfiguration.maximumPageSize)) ?? Int64(pageSize)
        let search = MessageSearch(room: room, words: terms.words, author: terms.author, before: before, limit: Int(limit))
        let found: SearchPage?
        do {
            found = try await searches.run { try await store.search(search) }
        } catch let error as SearchTimedOut {
            throw HTTPError(.serviceUnavailable, headers: [.retryAfter: "1"], message: "\(error)")
        }
        guard let found else {
            throw HTTPError(.serviceUnavailable, headers: [.retryAfter: "1"],
                            message: "too many searches at once: try again in a moment")
        }
        return found
    }
}
