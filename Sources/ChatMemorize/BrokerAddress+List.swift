import Foundation

extension BrokerAddress {
    /// Parses every `--broker` value given: each an address or a comma-separated list of
    /// them, in the order they are tried. Credentials are per entry or given once: an
    /// entry without them takes those of the first entry that has some; then the
    /// environment's apply to each (``withCredentials(from:)``).
    ///
    /// - Throws: ``MemorizeArgumentError`` naming the entry that is empty or not an address.
    package static func list(parsing values: [String], environment: [String: String]) throws(MemorizeArgumentError) -> [BrokerAddress] {
        var addresses: [BrokerAddress] = []
        for value in values {
            for entry in value.split(separator: ",", omittingEmptySubsequences: false) {
                let text = entry.trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else {
                    throw MemorizeArgumentError(
                        "--broker \"\(value)\" has an empty entry (expected mqtt://[user:pass@]host:port, several separated by commas)")
                }
                do {
                    addresses.append(try BrokerAddress(parsing: text))
                } catch {
                    throw MemorizeArgumentError("--broker entry \(addresses.count + 1): \(error.description)")
                }
            }
        }
        guard !addresses.isEmpty else {
            throw MemorizeArgumentError("--broker needs an address: mqtt://[user:pass@]host:port")
        }
        if let shared = addresses.first(where: { $0.username != nil }) {
            for index in addresses.indices where addresses[index].username == nil {
                addresses[index].username = shared.username
                addresses[index].password = shared.password
            }
        }
        return addresses.map { $0.withCredentials(from: environment) }
    }
}
