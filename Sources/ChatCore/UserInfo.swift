#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What is known about one nickname.
public struct UserInfo: Sendable, Hashable, Codable {
    /// Every address the nickname said hello from, oldest first.
    public var addresses: [String]
    /// The host name of the latest address (reverse DNS), when known.
    public var hostName: String?
    /// The first hello (or, for a nickname that only ever wrote, the first message).
    public var firstConnection: Date
    /// The latest hello.
    public var lastConnection: Date
    /// The latest sign of life: a hello or a message.
    public var lastSeen: Date

    /// Creates the record of a nickname first seen at `date`.
    public init(firstSeen date: Date, address: String? = nil, hostName: String? = nil) {
        addresses = address.map { [$0] } ?? []
        self.hostName = hostName
        firstConnection = date
        lastConnection = date
        lastSeen = date
    }

    /// Creates a record from stored fields.
    public init(addresses: [String], hostName: String?, firstConnection: Date, lastConnection: Date, lastSeen: Date) {
        self.addresses = addresses
        self.hostName = hostName
        self.firstConnection = firstConnection
        self.lastConnection = lastConnection
        self.lastSeen = lastSeen
    }
}
