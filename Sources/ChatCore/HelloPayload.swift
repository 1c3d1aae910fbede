/// The payload of `users/<nick>/hello`: `{"ipAddress": "<client address>"}`.
public struct HelloPayload: Sendable, Hashable, Codable {
    /// The address the client believes it has (the page gets it from the server).
    public var ipAddress: String

    /// The longest address accepted (an IPv6 address with a zone fits easily).
    public static let maximumAddressBytes = 128

    /// Creates a payload.
    public init(ipAddress: String) {
        self.ipAddress = ipAddress
    }

    /// Decodes and checks a payload received from the broker.
    public init(decoding bytes: some Collection<UInt8>) throws(PayloadError) {
        let fields = try payloadFields(bytes, limit: 4096)
        ipAddress = try fields.string("ipAddress", required: true) ?? ""
        guard ipAddress.utf8.count <= Self.maximumAddressBytes,
              !ipAddress.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw .invalidField(field: "ipAddress", reason: "not an address")
        }
    }

    /// The payload as compact JSON, ready to publish.
    public var jsonBytes: [UInt8] { encodePayload(self) }
}
