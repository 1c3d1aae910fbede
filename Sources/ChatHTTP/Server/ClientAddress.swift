/// Decides which address the page reports as the client's: the socket's peer, unless that
/// peer is a trusted proxy, in which case `X-Forwarded-For` names the client.
struct ClientAddressResolver: Sendable {
    let trustedProxies: Set<PeerAddress>

    /// The longest address taken from `X-Forwarded-For`.
    static let maximumLength = 100

    /// The client's address, as text. With a trusted peer, the rightmost `X-Forwarded-For`
    /// entry that is not itself a trusted proxy (proxies append; entries further left come
    /// from the client and could be anything), else the leftmost.
    func clientAddress(peer: PeerAddress?, forwardedFor: [String]) -> String {
        guard let peer else { return "" }
        guard trustedProxies.contains(peer) else { return peer.ip }
        let entries = forwardedFor.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingASCIIWhitespace() }
            .filter { !$0.isEmpty }
        guard !entries.isEmpty else { return peer.ip }
        let client = entries.last { entry in
            PeerAddress(parsing: entry).map { !trustedProxies.contains($0) } ?? true
        } ?? entries[0]
        return String(client.prefix(Self.maximumLength))
    }
}
