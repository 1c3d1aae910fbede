internal import ChatCore
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The original's JSON database, `chatinfo.json`:
/// `{"messages": {"<room>": [[author, text], …]}, "authors": [...], "rooms": [...],
///   "authors_info": {"<nick>": {"ip", "host", "last_connect", "last_seen"}},
///   "authors_by_addr": {"<address>": ["<nick>", …]}}`.
public struct LegacyChatInfo: Sendable, Decodable {
    /// Each room's log, oldest first, as `[author, text]` pairs.
    public var messages: [String: [[String]]]
    /// Users online when the file was written.
    public var authors: [String]
    /// Known rooms.
    public var rooms: [String]
    /// What was known of each nickname.
    public var authorsInfo: [String: AuthorInfo]
    /// Nicknames per address.
    public var authorsByAddr: [String: [String]]

    /// The original's per-nickname record; every field may be missing.
    public struct AuthorInfo: Sendable, Decodable {
        public var ip: String?
        public var host: String?
        /// Seconds since 1970.
        public var lastConnect: Double?
        /// Seconds since 1970.
        public var lastSeen: Double?

        enum CodingKeys: String, CodingKey {
            case ip, host
            case lastConnect = "last_connect"
            case lastSeen = "last_seen"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            ip = try? container.decodeIfPresent(String.self, forKey: .ip)
            // The original stored whatever reverse DNS returned; keep only a string.
            host = try? container.decodeIfPresent(String.self, forKey: .host)
            lastConnect = try? container.decodeIfPresent(Double.self, forKey: .lastConnect)
            lastSeen = try? container.decodeIfPresent(Double.self, forKey: .lastSeen)
        }
    }

    enum CodingKeys: String, CodingKey {
        case messages, authors, rooms
        case authorsInfo = "authors_info"
        case authorsByAddr = "authors_by_addr"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        messages = try container.decodeIfPresent([String: [[String]]].self, forKey: .messages) ?? [:]
        authors = try container.decodeIfPresent([String].self, forKey: .authors) ?? []
        rooms = try container.decodeIfPresent([String].self, forKey: .rooms) ?? []
        authorsInfo = try container.decodeIfPresent([String: AuthorInfo].self, forKey: .authorsInfo) ?? [:]
        authorsByAddr = try container.decodeIfPresent([String: [String]].self, forKey: .authorsByAddr) ?? [:]
    }

    /// Reads a `chatinfo.json` file.
    public init(contentsOf path: String) throws(LegacyImportError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LegacyImportError(path: path, reason: "cannot read it: \(error)")
        }
        do {
            self = try JSONDecoder().decode(LegacyChatInfo.self, from: data)
        } catch {
            throw LegacyImportError(path: path, reason: "not the original's chatinfo.json: \(error)")
        }
    }
}

/// A `chatinfo.json` that cannot be imported.
public struct LegacyImportError: Error, Sendable, CustomStringConvertible {
    /// The file.
    public let path: String
    /// What is wrong with it.
    public let reason: String
    public var description: String { "cannot import \(path): \(reason)" }
}

/// What an import did.
public struct LegacyImportReport: Sendable, Hashable {
    /// Messages stored now.
    public var messagesStored = 0
    /// Messages already stored by an earlier import of the same file.
    public var messagesAlreadyStored = 0
    /// Entries skipped, with the reason.
    public var skipped: [String] = []
    /// Users imported.
    public var users = 0

    public init() {}
}

extension LegacyChatInfo {
    /// Stores everything in `store`, in batches of `batchSize` messages, calling
    /// `progress` with the number of messages done so far after each batch.
    ///
    /// Imported messages get ids `legacy:<room>:<index>`, so importing the same file
    /// twice stores nothing twice. They have no timestamp of their own: `receivedAt`
    /// is the time of the import.
    public func importInto(
        _ store: some MessageStore, now: Date = Date(), batchSize: Int = 5_000,
        progress: (Int, Int) -> Void = { _, _ in }
    ) async throws -> LegacyImportReport {
        var report = LegacyImportReport()
        let total = messages.values.reduce(0) { $0 + $1.count }
        var done = 0
        var batch = StoreBatch()

        for name in rooms {
            do { batch.rooms.append(try RoomName(name)) } catch { report.skipped.append("room \(name.debugDescription): \(error)") }
        }
        for (address, names) in authorsByAddr.sorted(by: { $0.key < $1.key }) {
            for name in names {
                guard let nick = try? Nickname(name) else { continue }
                batch.addresses.append(AddressNickname(address: address, nick: nick))
            }
        }
        for (name, info) in authorsInfo.sorted(by: { $0.key < $1.key }) {
            guard let nick = try? Nickname(name) else {
                report.skipped.append("user \(name.debugDescription): not a valid nickname")
                continue
            }
            let seen = info.lastSeen.map { Date(timeIntervalSince1970: $0) } ?? now
            let connected = info.lastConnect.map { Date(timeIntervalSince1970: $0) } ?? seen
            batch.users[nick] = UserInfo(
                addresses: info.ip.map { [$0] } ?? [], hostName: info.host,
                firstConnection: min(connected, seen), lastConnection: connected, lastSeen: seen)
            report.users += 1
        }
        batch.online = ["bot"] + authors.filter { $0 != "bot" }

        for (roomName, log) in messages.sorted(by: { $0.key < $1.key }) {
            guard let room = try? RoomName(roomName) else {
                report.skipped.append("room \(roomName.debugDescription) and its \(log.count) messages: not a valid room name")
                continue
            }
            for (index, entry) in log.enumerated() {
                guard entry.count >= 2 else {
                    report.skipped.append("message \(index) of \(roomName): not [author, text]")
                    continue
                }
                batch.messages.append(NewMessage(
                    room: room, author: entry[0], text: entry[1], messageID: "legacy:\(roomName):\(index)",
                    ts: nil, receivedAt: now.milliseconds))
                if batch.messages.count >= batchSize {
                    try await flush(&batch, into: store, report: &report, done: &done)
                    progress(done, total)
                }
            }
        }
        try await flush(&batch, into: store, report: &report, done: &done)
        progress(done, total)
        return report
    }

    private func flush(_ batch: inout StoreBatch, into store: some MessageStore, report: inout LegacyImportReport, done: inout Int) async throws {
        let count = batch.messages.count
        let result = try await store.write(batch)
        report.messagesStored += result.inserted
        report.messagesAlreadyStored += result.duplicates
        done += count
        batch = StoreBatch()
    }
}
