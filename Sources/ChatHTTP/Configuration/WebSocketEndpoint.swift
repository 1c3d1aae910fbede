/// One of the broker's WebSocket endpoints the page may connect to (`--ws-endpoint`,
/// `WS_ENDPOINTS`, `broker.ws_endpoints`): a `ws://` or `wss://` URL with a host.
enum WebSocketEndpoint {
    /// What an endpoint must look like, for error messages.
    static let expected = "a ws:// or wss:// URL such as ws://broker-b.example:9001/mqtt"

    /// `text` without the spaces around it when it is a `ws://` or `wss://` URL with a host
    /// and no white space, control character, comma, quote or angle bracket; else `nil`.
    static func validated(_ text: String) -> String? {
        let trimmed = String(text.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
        let rest: Substring
        if trimmed.hasPrefix("ws://") {
            rest = trimmed.dropFirst(5)
        } else if trimmed.hasPrefix("wss://") {
            rest = trimmed.dropFirst(6)
        } else {
            return nil
        }
        let forbidden: Set<Character> = [",", "\"", "'", "<", ">", "\\", "`"]
        guard !rest.contains(where: { $0.isWhitespace || forbidden.contains($0) || $0.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) }) else {
            return nil
        }
        let authority = rest.prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" })
        let host = authority.split(separator: "@").last ?? ""
        guard !host.isEmpty, !host.hasPrefix(":") else { return nil }
        return trimmed
    }
}
