internal import ChatCore
public import ChatStore
internal import ChatWebPush
public import Hummingbird
internal import NIOCore
#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// `/data/push/*`: Web Push subscriptions (issue 19), behind the same protection as the
/// rest of `/data`.
///
/// - `GET key` → `{"publicKey": "<base64url>"}`: the chat's VAPID public key, the page's
///   `applicationServerKey` (the key pair is made on first need and kept in the database).
/// - `POST subscriptions` `{"subscription": {"endpoint", "keys": {"p256dh", "auth"}}, "nick",
///   "rooms": {"<room>": "all"|"mentions"|"none"}}` → 201 when new, 200 when it replaced the
///   one of the same endpoint.
/// - `DELETE subscriptions` `{"endpoint"}` → 204.
///
/// Bad input (a non-https endpoint, a private or loopback host unless the test setting
/// allows loopback, malformed keys, a bad nickname, room or choice) → 400 with the reason,
/// nothing stored.
public struct PushController<Context: PeerAwareRequestContext, Store: MessageStore>: Sendable {
    let store: Store
    let policy: EndpointPolicy
    let maxRooms: Int

    /// The largest body accepted: a subscription and a choice for every room.
    static var maxBodyBytes: Int { 64 * 1024 }

    /// Keeps subscriptions in `store`; `allowsLoopback` (tests only) accepts loopback endpoints.
    public init(store: Store, allowsLoopback: Bool, maxRooms: Int = ServerConfiguration.defaultMaxRooms) {
        self.store = store
        policy = EndpointPolicy(allowsLoopback: allowsLoopback)
        self.maxRooms = maxRooms
    }

    /// Adds the routes to `group` (mounted at `/data`).
    public func addRoutes(to group: RouterGroup<Context>) {
        let push = group.group("push")
        push.get("key") { _, _ in try await key() }
        push.post("subscriptions") { request, _ in try await subscribe(request) }
        push.delete("subscriptions") { request, _ in try await unsubscribe(request) }
    }

    func key() async throws -> PushKeyResponse {
        let stored = try await store.setting(SettingKey.vapidPrivateKey, default: VAPIDKey().storedValue)
        guard let key = VAPIDKey(storedValue: stored) else {
            throw HTTPError(.internalServerError, message: "the VAPID key kept in the database (setting \(SettingKey.vapidPrivateKey)) is not a P-256 key")
        }
        return PushKeyResponse(publicKey: key.publicKeyBase64URL)
    }

    func subscribe(_ request: Request) async throws -> EditedResponse<StatusResponse> {
        let body = try await decode(SubscribeRequest.self, from: request)
        let subscription: PushSubscription
        do {
            subscription = try PushSubscription(
                endpoint: body.subscription.endpoint, p256dh: body.subscription.keys.p256dh,
                auth: body.subscription.keys.auth, policy: policy)
        } catch {
            throw HTTPError(.badRequest, message: "subscription refused: \(error)")
        }
        let nick: Nickname
        do {
            nick = try Nickname(body.nick)
        } catch {
            throw HTTPError(.badRequest, message: "nick: \(error)")
        }
        let choices = body.rooms ?? [:]
        guard choices.count <= maxRooms else {
            throw HTTPError(.badRequest, message: "rooms: at most \(maxRooms) choices, got \(choices.count)")
        }
        var rooms: [String: PushMode] = [:]
        for (name, mode) in choices {
            do {
                rooms[try RoomName(name).rawValue] = try PushMode(parsing: mode, room: name)
            } catch let error as HTTPError {
                throw error
            } catch {
                throw HTTPError(.badRequest, message: "rooms: `\(name)`: \(error)")
            }
        }
        let isNew = try await store.savePushSubscription(StoredPushSubscription(
            endpoint: subscription.endpoint, p256dh: subscription.p256dh, auth: subscription.auth,
            nick: nick.rawValue, created: Date().milliseconds, rooms: rooms))
        return EditedResponse(status: isNew ? .created : .ok, response: StatusResponse(status: isNew ? "subscribed" : "updated"))
    }

    func unsubscribe(_ request: Request) async throws -> Response {
        let body = try await decode(UnsubscribeRequest.self, from: request)
        guard !body.endpoint.isEmpty, body.endpoint.utf8.count <= PushSubscription.maximumEndpointBytes else {
            throw HTTPError(.badRequest, message: "endpoint: must be 1 to \(PushSubscription.maximumEndpointBytes) bytes")
        }
        _ = try await store.deletePushSubscription(endpoint: body.endpoint)
        return Response(status: .noContent)
    }

    private func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw HTTPError(.contentTooLarge, message: "the body is larger than \(Self.maxBodyBytes) bytes")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw HTTPError(.badRequest, message: "malformed body: \(RequestBodyError.describe(error))")
        }
    }
}

/// `GET /data/push/key`.
struct PushKeyResponse: ResponseEncodable, Sendable {
    var publicKey: String
}

/// `POST /data/push/subscriptions`: what the page's `PushSubscription.toJSON()` gives, the
/// member's nickname and their choices per room.
struct SubscribeRequest: Decodable, Sendable {
    struct Subscription: Decodable, Sendable {
        struct Keys: Decodable, Sendable {
            var p256dh: String
            var auth: String
        }
        var endpoint: String
        var keys: Keys
    }
    var subscription: Subscription
    var nick: String
    var rooms: [String: String]?
}

/// `DELETE /data/push/subscriptions`.
struct UnsubscribeRequest: Decodable, Sendable {
    var endpoint: String
}

extension PushMode {
    init(parsing text: String, room: String) throws {
        guard let mode = PushMode(rawValue: text) else {
            throw HTTPError(.badRequest, message: "rooms: `\(room)`: expected all, mentions or none, got \(text.debugDescription)")
        }
        self = mode
    }
}
