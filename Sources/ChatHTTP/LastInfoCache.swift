internal import ChatStore
internal import NIOCore
internal import Synchronization
#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// The encoded `/data/lastinfo` body, kept until the store's ``MessageStore/version()`` moves:
/// a repeated request with nothing new costs one tiny query, shared with the requests that
/// ask at the same moment (``VersionCoalescer``).
final class LastInfoCache: Sendable {
    struct Entry: Sendable {
        var version: Int64
        var body: ByteBuffer
        var gzipped: ByteBuffer??
    }

    private let entry = Mutex<Entry?>(nil)
    private let versions = VersionCoalescer()
    let messagesPerRoom: Int

    init(messagesPerRoom: Int) {
        self.messagesPerRoom = messagesPerRoom
    }

    /// The current body, and its gzip form when `gzip` is asked and it is smaller.
    func body(from store: some MessageStore, gzip: Bool) async throws -> (body: ByteBuffer, isGzipped: Bool) {
        let version = try await versions.version { try await store.version() }
        let current: Entry
        if let cached = entry.withLock({ $0 }), cached.version == version {
            current = cached
        } else {
            let info = try await store.lastInfo(messagesPerRoom: messagesPerRoom)
            let body = try JSONEncoder.chattResponses().encode(LastInfoResponse(info))
            current = Entry(version: info.version, body: ByteBuffer(bytes: body), gzipped: nil)
            entry.withLock { stored in
                if stored.map({ $0.version < current.version }) ?? true { stored = current }
            }
        }
        guard gzip, current.body.readableBytes >= Gzip.minimumSize else { return (current.body, false) }
        if let known = current.gzipped { return known.map { ($0, true) } ?? (current.body, false) }
        let compressed = Gzip.compress(current.body)
        entry.withLock { stored in
            if stored?.version == current.version { stored?.gzipped = .some(compressed) }
        }
        return compressed.map { ($0, true) } ?? (current.body, false)
    }
}
