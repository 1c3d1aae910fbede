public import NIOCore

/// An IP address at the other end of a connection, or named by a proxy.
///
/// Held in the canonical text form NIO prints (`127.0.0.1`, `::1`), so two spellings of the
/// same IPv6 address compare equal.
public struct PeerAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address in canonical text form.
    public let ip: String
    /// Whether the address is on the loopback network: 127.0.0.0/8, `::1`, or an IPv4-mapped
    /// loopback address (`::ffff:127.0.0.1`).
    public let isLoopback: Bool

    /// The IP address of a socket address; `nil` for Unix domain sockets.
    public init?(_ address: SocketAddress) {
        guard let ip = address.ipAddress else { return nil }  // a Unix domain socket
        self.ip = ip
        // NIO prints addresses in canonical form (inet_ntop): `127.x.y.z`, `::1`, `::ffff:127.x.y.z`.
        switch address {
        case .v4: self.isLoopback = ip.hasPrefix("127.")
        case .v6: self.isLoopback = ip == "::1" || ip.lowercased().hasPrefix("::ffff:127.")
        case .unixDomainSocket: return nil
        }
    }

    /// Parses an IPv4 or IPv6 address written as text (no port, no brackets); `nil` when it is
    /// not one.
    public init?(parsing text: some StringProtocol) {
        let trimmed = text.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty, let address = try? SocketAddress(ipAddress: trimmed, port: 0) else {
            return nil
        }
        self.init(address)
    }

    public var description: String { ip }
}
