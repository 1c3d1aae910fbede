import Foundation

/// What a host name or literal address is, for ``EndpointPolicy``.
enum HostKind: Equatable {
    /// 127.0.0.0/8, ::1, `localhost` and `*.localhost`.
    case loopback
    /// Private, link-local, unspecified, shared (CGNAT), multicast or local-only names.
    case restricted
    /// Anything else.
    case `public`

    init(of host: String) {
        let host = host.hasSuffix(".") ? String(host.dropLast()) : host
        if host == "localhost" || host.hasSuffix(".localhost") {
            self = .loopback
        } else if let octets = Self.ipv4(host) {
            self = Self.classify(ipv4: octets)
        } else if host.contains(":") {
            self = Self.classify(ipv6: host)
        } else if host.hasSuffix(".local") || host.hasSuffix(".internal") || host.hasSuffix(".lan")
                    || host.hasSuffix(".home.arpa") || !host.contains(".") {
            // A single-label name resolves on the local network only.
            self = .restricted
        } else if let last = host.split(separator: ".").last, last.allSatisfy({ $0.isASCII && $0.isNumber }) || last.hasPrefix("0x") {
            // Not four plain decimal octets, but a resolver (inet_aton) may still read it as an
            // address: 127.1, 0177.0.0.1 (octal), 0x7f.0.0.1, 2130706433. No public name ends
            // in a numeric label: refuse rather than guess.
            self = .restricted
        } else {
            self = .public
        }
    }

    private static func ipv4(_ host: String) -> [UInt8]? {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [UInt8] = []
        for part in parts {
            // No leading zero: inet_aton reads 0177 as octal (127), not 177.
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  part == "0" || !part.hasPrefix("0"), let value = UInt8(part) else { return nil }
            octets.append(value)
        }
        return octets
    }

    private static func classify(ipv4 o: [UInt8]) -> HostKind {
        switch (o[0], o[1]) {
        case (127, _): .loopback
        case (0, _), (10, _), (169, 254), (192, 168), (255, _): .restricted
        case (172, 16...31): .restricted
        case (100, 64...127): .restricted
        case (224...239, _): .restricted
        default: .public
        }
    }

    private static func classify(ipv6 host: String) -> HostKind {
        guard let words = ipv6Words(host) else { return .restricted }
        if words == [0, 0, 0, 0, 0, 0, 0, 1] { return .loopback }
        if words.allSatisfy({ $0 == 0 }) { return .restricted }
        // IPv4-mapped (::ffff:a.b.c.d): judged as the IPv4 address.
        if words[0..<5].allSatisfy({ $0 == 0 }), words[5] == 0xFFFF {
            return classify(ipv4: [UInt8(words[6] >> 8), UInt8(words[6] & 0xFF), UInt8(words[7] >> 8), UInt8(words[7] & 0xFF)])
        }
        let first = words[0]
        if first & 0xFE00 == 0xFC00 { return .restricted }  // fc00::/7 unique local
        if first & 0xFFC0 == 0xFE80 { return .restricted }  // fe80::/10 link-local
        if first & 0xFF00 == 0xFF00 { return .restricted }  // multicast
        return .public
    }

    /// The eight 16-bit words of a textual IPv6 address (`::` and a trailing dotted IPv4
    /// allowed; a zone `%…` refused), or `nil`.
    static func ipv6Words(_ text: String) -> [UInt16]? {
        guard !text.contains("%") else { return nil }
        func parse(_ part: Substring) -> [UInt16]? {
            if part.isEmpty { return [] }
            var words: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains(".") {
                    guard let o = ipv4(String(piece)) else { return nil }
                    words.append(UInt16(o[0]) << 8 | UInt16(o[1]))
                    words.append(UInt16(o[2]) << 8 | UInt16(o[3]))
                } else {
                    guard (1...4).contains(piece.count), let word = UInt16(piece, radix: 16) else { return nil }
                    words.append(word)
                }
            }
            return words
        }
        let halves = text.components(separatedBy: "::")
        switch halves.count {
        case 1:
            guard let words = parse(Substring(text)), words.count == 8 else { return nil }
            return words
        case 2:
            guard let head = parse(Substring(halves[0])), let tail = parse(Substring(halves[1])),
                  head.count + tail.count < 8 else { return nil }
            return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        default:
            return nil
        }
    }
}
