import ChatDaemon
import ChatCore
import ChatStorage
import ChatStore
import Foundation
import Logging

extension MemorizeCommandSupport {
    /// `--forget-key NICK`: releases a nickname's pinned key, so that the next key
    /// announced for it is pinned (a member who lost their personal secret).
    static func forgetKey(_ nick: String, in location: StoreLocation, create: Bool, logger: Logger) async throws {
        let nickname: Nickname
        do {
            nickname = try Nickname(nick)
        } catch {
            throw ExitPolicy.badConfiguration("chatt-memorize", "--forget-key \(nick.debugDescription): \(error)")
        }
        guard nickname != .bot else {
            throw ExitPolicy.badConfiguration(
                "chatt-memorize", "--forget-key bot: bot's key is memorize's own (kept in the database), never released")
        }
        let storage = try await openStore(location, create: create, logger: logger)
        let forgotten = try await storage.withServices { try await storage.store.forgetKey(of: nickname.rawValue) }
        if forgotten {
            logger.info("released the nickname's key: the next key announced for it is pinned", metadata: ["nick": "\(nickname)"])
        } else {
            logger.notice("the nickname had no pinned key: nothing to release", metadata: ["nick": "\(nickname)"])
        }
    }
}
