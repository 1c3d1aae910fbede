import Foundation
/// Where the broker is, as `--broker mqtt://[user:pass@]host:port` says, with the
/// credentials the environment adds.
package struct BrokerAddress: Sendable, Hashable, CustomStringConvertible {
    package var host: String
    package var port: Int
    package var username: String?
    package var password: String?

    /// Creates an address.
    package init(host: String = "localhost", port: Int = 1883, username: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
    }

    /// Parses `mqtt://[user:pass@]host[:port]` (the scheme may be left out; `[::1]` for IPv6).
    package init(parsing text: String) throws(BrokerAddressError) {
        var rest = Substring(text)
        if let scheme = rest.range(of: "://") {
            guard rest[..<scheme.lowerBound] == "mqtt" else {
                throw BrokerAddressError(text: text, reason: "only mqtt:// is supported")
            }
            rest = rest[scheme.upperBound...]
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                username = Self.percentDecoded(credentials[..<colon])
                password = Self.percentDecoded(credentials[credentials.index(after: colon)...])
            } else {
                username = Self.percentDecoded(credentials)
            }
        }
        var hostPart = rest
        var portPart: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw BrokerAddressError(text: text, reason: "unclosed [ in the host")
            }
            hostPart = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { portPart = after.dropFirst() } else if !after.isEmpty {
                throw BrokerAddressError(text: text, reason: "unexpected \(after) after the host")
            }
        } else if let colon = rest.lastIndex(of: ":") {
            hostPart = rest[..<colon]
            portPart = rest[rest.index(after: colon)...]
        }
        guard !hostPart.isEmpty, !hostPart.contains("/") else {
            throw BrokerAddressError(text: text, reason: "no host")
        }
        host = String(hostPart)
        if let portPart {
            guard let value = Int(portPart), (1...65_535).contains(value) else {
                throw BrokerAddressError(text: text, reason: "the port must be a number from 1 to 65535, not \"\(portPart)\"")
            }
            port = value
        } else {
            port = 1883
        }
    }

    /// Adds the credentials of the environment: `CHATT_USER`/`CHATT_PASS` win over
    /// everything; `USER`/`PASS` (as the original read them) count only when `PASS` is
    /// set, since `USER` is also the Unix login name, and only when the URL gave none.
    package func withCredentials(from environment: [String: String]) -> BrokerAddress {
        var address = self
        if let user = environment["CHATT_USER"], let pass = environment["CHATT_PASS"] {
            address.username = user
            address.password = pass
        } else if address.username == nil, let pass = environment["PASS"], !pass.isEmpty {
            address.username = environment["USER"] ?? ""
            address.password = pass
        }
        return address
    }

    /// The address for logs: the password never shows, and the login only by its first two
    /// characters, as chatt-server logs it (a legacy login gives the password away).
    package var description: String {
        let user = username.map { "\($0.prefix(2))…:***@" } ?? ""
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "mqtt://\(user)\(shownHost):\(port)"
    }

    private static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"),
               let high = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex), high < utf8.endIndex,
               let low = utf8.index(index, offsetBy: 2, limitedBy: utf8.endIndex), low < utf8.endIndex,
               let value = UInt8(String(decoding: [utf8[high], utf8[low]], as: UTF8.self), radix: 16) {
                bytes.append(value)
                index = utf8.index(index, offsetBy: 3)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A `--broker` value that is not `mqtt://[user:pass@]host:port`.
package struct BrokerAddressError: Error, Sendable, CustomStringConvertible {
    package let text: String
    package let reason: String
    package var description: String { "invalid broker address \"\(text)\": \(reason) (expected mqtt://[user:pass@]host:port)" }
}
