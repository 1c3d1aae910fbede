internal import ChatStore
internal import NIOCore
internal import Synchronization
#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// The encoded `/data/lastinfo` body and its gzip form, built once per store version and
/// shared by every request.
///
/// Each request reads the store's ``MessageStore/version()`` (one tiny query, itself shared
/// among simultaneous requests by ``VersionCoalescer``). When the kept body is that version
/// or newer, it is sent. Otherwise one request builds the body (read, encode within the byte
/// budget, gzip) while the others that need a newer body wait for it: a burst of page opens
/// right after a new message costs one build, not one per request.
final class LastInfoCache: Sendable {
    /// One version of the body.
    struct Entry: Sendable {
        var version: Int64
        var body: ByteBuffer
        /// The gzip form, when it is smaller than `body`.
        var gzipped: ByteBuffer?
    }

    private enum Turn: Sendable {
        case use(Entry)
        case build
        case look
        case failed(any Error)
    }

    private struct State {
        var current: Entry?
        var building = false
        var waiting: [CheckedContinuation<Turn, Never>] = []
    }

    private let state = Mutex(State())
    private let versions = VersionCoalescer()
    let messagesPerRoom: Int
    let byteBudget: Int
    /// How many requests wait for a build to end (for tests).
    var waitingCount: Int { state.withLock { $0.waiting.count } }
    /// How many bodies were built (for tests).
    var buildCount: Int { builds.withLock { $0 } }
    private let builds = Mutex(0)

    /// `messagesPerRoom` at most per room, and about `byteBudget` bytes of messages in all.
    init(messagesPerRoom: Int, byteBudget: Int) {
        self.messagesPerRoom = messagesPerRoom
        self.byteBudget = byteBudget
    }

    /// The current body, and its gzip form when `gzip` is asked and it is smaller.
    func body(from store: some MessageStore, gzip: Bool) async throws -> (body: ByteBuffer, isGzipped: Bool) {
        let entry = try await entry(from: store)
        if gzip, let compressed = entry.gzipped { return (compressed, true) }
        return (entry.body, false)
    }

    /// A body of the store's current version or newer.
    func entry(from store: some MessageStore) async throws -> Entry {
        let version = try await versions.version { try await store.version() }
        while true {
            let turn: Turn = await withCheckedContinuation { continuation in
                let now: Turn? = state.withLock { state in
                    if let current = state.current, current.version >= version { return .use(current) }
                    if state.building {
                        state.waiting.append(continuation)
                        return nil
                    }
                    state.building = true
                    return .build
                }
                if let now { continuation.resume(returning: now) }
            }
            switch turn {
            case .use(let entry):
                return entry
            case .look:
                continue  // a build ended: look again (it may be older than this request needs)
            case .failed(let error):
                throw error
            case .build:
                let result: Result<Entry, any Error>
                do { result = .success(try await build(from: store)) } catch { result = .failure(error) }
                let waiting = state.withLock { state in
                    if case .success(let entry) = result, state.current.map({ $0.version < entry.version }) ?? true {
                        state.current = entry
                    }
                    state.building = false
                    defer { state.waiting.removeAll() }
                    return state.waiting
                }
                for waiter in waiting {
                    switch result {
                    case .success: waiter.resume(returning: .look)
                    case .failure(let error): waiter.resume(returning: .failed(error))
                    }
                }
                return try result.get()
            }
        }
    }

    private func build(from store: some MessageStore) async throws -> Entry {
        builds.withLock { $0 += 1 }
        let info = try await store.lastInfo(messagesPerRoom: messagesPerRoom)
        var response = LastInfoResponse(info, byteBudget: byteBudget)
        response.add(try await store.roomSettings(), of: info)
        response.keys = KeyEntry.entries(try await store.pinnedKeys())
        let body = ByteBuffer(bytes: try JSONEncoder.chattResponses().encode(response))
        var gzipped: ByteBuffer?
        if body.readableBytes >= Gzip.minimumSize, let compressed = Gzip.compress(body),
           compressed.readableBytes < body.readableBytes {
            gzipped = compressed
        }
        return Entry(version: info.version, body: body, gzipped: gzipped)
    }
}
