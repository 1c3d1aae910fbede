package import ChatStore
import ChatCore
package import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
package import Logging
import ServiceLifecycle

/// Keeps a server of the original ChaTT up to date, as the original memorize did: POSTs
/// `/cmd/setChannels`, `/cmd/setAuthors` and `/cmd/setRoomMessages` (the last messages
/// of each room that changed), at most every `interval`.
package actor LegacyServerNotifier: Service {
    private let baseURL: URL
    private let store: any MessageStore
    private let interval: Duration
    private let messagesPerRoom: Int
    private let logger: Logger
    private var pending = StoreChange()
    private var failing = false

    /// Creates the notifier for the server at `baseURL` (e.g. `http://127.0.0.1:8080`).
    package init(baseURL: URL, store: any MessageStore, interval: Duration = .milliseconds(400),
                messagesPerRoom: Int = 100, logger: Logger) {
        self.baseURL = baseURL
        self.store = store
        self.interval = interval
        self.messagesPerRoom = messagesPerRoom
        self.logger = logger
    }

    /// Notes a change to send with the next round.
    package func note(_ change: StoreChange) {
        pending.merge(change)
    }

    package func run() async throws {
        // The original repeated the saved state at start, even with no news.
        pending.roomListChanged = true
        pending.usersChanged = true
        pending.roomsWithMessages = Set(try await store.rooms())
        while true {
            await sendPending()
            if Task.isShuttingDownGracefully { return }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
            } catch {
                await sendPending()
                return
            }
        }
    }

    private struct RoomMessages: Encodable {
        let room: String
        let messages: [[String]]
    }

    private func sendPending() async {
        let change = pending
        pending = StoreChange()
        guard !change.isEmpty else { return }
        do {
            if change.roomListChanged {
                try await post("cmd/setChannels", try await store.rooms().map(\.rawValue))
            }
            if change.usersChanged {
                try await post("cmd/setAuthors", try await store.onlineUsers())
            }
            for room in change.roomsWithMessages.sorted() {
                let last = try await store.lastMessages(in: room, limit: messagesPerRoom)
                try await post("cmd/setRoomMessages", RoomMessages(room: room.rawValue, messages: last.map { [$0.author, $0.text] }))
            }
            if failing {
                failing = false
                logger.info("the legacy server answers again", metadata: ["url": "\(baseURL)"])
            }
        } catch {
            pending.merge(change)
            if !failing {
                failing = true
                logger.warning("cannot update the legacy server; will retry", metadata: ["url": "\(baseURL)", "error": "\(error)"])
            }
        }
    }

    private func post(_ path: String, _ body: some Encodable) async throws {
        var request = URLRequest(url: baseURL.appendingPathComponent(path))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONEncoder().encode(body)
        request.timeoutInterval = 5
        let (_, response) = try await URLSession.shared.data(for: request)
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            throw LegacyServerError(status: http.statusCode, path: path)
        }
    }
}

struct LegacyServerError: Error, CustomStringConvertible {
    let status: Int
    let path: String
    var description: String { "POST /\(path) answered \(status)" }
}
