internal import ChatCore
public import ChatStore
public import Hummingbird
internal import NIOCore
#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// `/cmd/*`: the control API of the original, for the local memorize daemon. Only loopback
/// peers are answered (see ``LoopbackOnlyMiddleware``).
///
/// - `POST setRoomMessages` `{"room": r, "messages": [[author, text], ...]}` — replace a room's log.
/// - `POST setChannels` `["room", ...]` — add rooms.
/// - `POST setAuthors` `["nick", ...]` — replace the users online.
///
/// Each answers `{"status": "ok"}`, 400 with the reason for a malformed body, 413 past
/// `maxBodyBytes`, 409 when it would make more than `maxRooms` rooms (as chatt-memorize's
/// `--max-rooms`: nothing of that request is written).
public struct ControlController<Context: PeerAwareRequestContext, Store: MessageStore>: Sendable {
    let store: Store
    let maxBodyBytes: Int
    let maxRooms: Int

    /// Writes to `store`; bodies up to `maxBodyBytes`; at most `maxRooms` rooms.
    public init(store: Store, maxBodyBytes: Int, maxRooms: Int = ServerConfiguration.defaultMaxRooms) {
        self.store = store
        self.maxBodyBytes = maxBodyBytes
        self.maxRooms = maxRooms
    }

    /// Adds the routes to `group` (mounted at `/cmd`), behind the loopback guard.
    public func addRoutes(to group: RouterGroup<Context>) {
        group.add(middleware: LoopbackOnlyMiddleware<Context>())
        group.post("setRoomMessages") { request, _ in try await setRoomMessages(request) }
        group.post("setChannels") { request, _ in try await setChannels(request) }
        group.post("setAuthors") { request, _ in try await setAuthors(request) }
    }

    func setRoomMessages(_ request: Request) async throws -> StatusResponse {
        let body = try await decode(SetRoomMessagesRequest.self, from: request)
        let now = Date().milliseconds
        let messages = body.messages.map { entry in
            NewMessage(room: body.room, author: entry.author, text: entry.text, messageID: entry.id, ts: entry.ts,
                       receivedAt: now)
        }
        try await checkRoomLimit(adding: [body.room])
        try await store.replaceMessages(in: body.room, with: messages)
        return StatusResponse(status: "ok")
    }

    func setChannels(_ request: Request) async throws -> StatusResponse {
        let names = try await decode([String].self, from: request)
        var batch = StoreBatch()
        for (index, name) in names.enumerated() {
            do {
                batch.rooms.append(try RoomName(name))
            } catch {
                throw HTTPError(.badRequest, message: "malformed body: `[\(index)]`: \(error)")
            }
        }
        try await checkRoomLimit(adding: batch.rooms)
        try await store.write(batch)
        return StatusResponse(status: "ok")
    }

    /// Throws 409 when `rooms` would bring the store past `maxRooms`.
    private func checkRoomLimit(adding rooms: [RoomName]) async throws {
        let known = Set(try await store.rooms())
        let new = Set(rooms).subtracting(known)
        guard known.count + new.count <= maxRooms else {
            throw HTTPError(.conflict, message: "too many rooms: \(known.count) exist and \(new.count) would be new, "
                + "at most \(maxRooms) (raise --max-rooms); nothing was written")
        }
    }

    func setAuthors(_ request: Request) async throws -> StatusResponse {
        let names = try await decode([String].self, from: request)
        var online: [String] = []
        for (index, name) in names.enumerated() {
            do {
                online.append(try Nickname(name).rawValue)
            } catch {
                throw HTTPError(.badRequest, message: "malformed body: `[\(index)]`: \(error)")
            }
        }
        var batch = StoreBatch()
        batch.online = online
        try await store.write(batch)
        return StatusResponse(status: "ok")
    }

    private func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw HTTPError(.contentTooLarge, message: "the body is larger than \(maxBodyBytes) bytes")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw HTTPError(.badRequest, message: "malformed body: \(RequestBodyError.describe(error))")
        }
    }
}
