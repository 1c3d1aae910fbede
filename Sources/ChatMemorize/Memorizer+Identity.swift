package import ChatCore
import ChatStore
import Crypto
import Foundation
import Logging

extension Memorizer {
    /// The setting `bot`'s key seed is kept under (32 random bytes, base64url).
    static let botSeedSetting = "bot-key-seed"

    /// `bot`'s keys: the seed in the database, made on the first start. Two instances
    /// starting at once get the same one (``MessageStore/setting(_:default:)``).
    static func loadBotKeys(from store: any MessageStore, logger: Logger) async throws -> IdentityKeys {
        let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Base64URL.encode(Array($0)) }
        let kept = try await store.setting(botSeedSetting, default: fresh)
        guard let seed = Base64URL.decode(kept), seed.count == 32 else {
            throw MemorizeIdentityError.badBotSeed(setting: botSeedSetting)
        }
        if kept == fresh { logger.info("made bot's signing key", metadata: ["sign": "\(IdentityKeys(seed: seed, nick: .bot).publicIdentity.sign)"]) }
        return IdentityKeys(seed: seed, nick: .bot)
    }

    /// The pinned keys, `bot` pinned to `bot`'s own (a pin another instance or an older
    /// version left for it is replaced).
    static func loadPins(from store: any MessageStore, bot: IdentityKeys, logger: Logger) async throws -> [String: PublicIdentity] {
        let own = bot.publicIdentity
        if case .refused(let pinned) = try await store.pin(own, for: .bot) {
            logger.warning("bot was pinned to keys that are not memorize's: pinned to memorize's own now",
                           metadata: ["was": "\(pinned.sign)", "now": "\(own.sign)"])
            _ = try await store.forgetKey(of: Nickname.bot.rawValue)
            _ = try await store.pin(own, for: .bot)
        }
        var pins = try await store.pinnedKeys()
        pins[Nickname.bot.rawValue] = own
        return pins
    }

    /// How often, at most, the pins are read again from the store when a batch holds an
    /// author without one: in a shared group, another instance may have pinned it.
    static let pinRefreshInterval: TimeInterval = 2

    /// Reads the pins again when `events` hold a message, event or direct message of an
    /// author not pinned here and the last read is older than ``pinRefreshInterval``: an
    /// instance of a shared group never sees the key announcements the broker gives the
    /// others. (A message in the first seconds after another instance pinned its author may
    /// be stored plain.)
    func refreshPinsIfStale(for events: [IngestEvent]) async throws {
        guard clock.now().timeIntervalSince(pinsReadAt) >= Self.pinRefreshInterval else { return }
        let unpinned = events.contains { event in
            guard let author = event.claimedAuthor else { return false }
            return pins[author] == nil
        }
        guard unpinned else { return }
        var fresh = try await store.pinnedKeys()
        fresh[Nickname.bot.rawValue] = botKeys.publicIdentity
        pins = fresh
        pinsReadAt = clock.now()
    }

    /// Pins the keys announced in `events` (trust on first use): the first key of a
    /// nickname is kept; another one later is refused and logged; `bot`'s is memorize's own.
    func pinKeys(in events: [IngestEvent]) async throws {
        for case .key(let nick, let announcement) in events {
            guard let identity = try? announcement.identity else { continue }  // checked when parsed
            if nick == .bot {
                if identity != botKeys.publicIdentity {
                    logger.warning("refused a key for bot: bot's key is memorize's own, and anybody else's message as bot is forged",
                                   metadata: ["offered": "\(identity.sign)"])
                }
                continue
            }
            switch try await store.pin(identity, for: nick) {
            case .pinned:
                pins[nick.rawValue] = identity
                logger.info("pinned a nickname's key", metadata: ["nick": "\(nick)", "sign": "\(identity.sign)"])
            case .unchanged:
                pins[nick.rawValue] = identity
            case .refused(let pinned):
                pins[nick.rawValue] = pinned
                logger.warning("refused a second key for a pinned nickname (chatt-memorize --forget-key releases it)", metadata: [
                    "nick": "\(nick)", "pinned": "\(pinned.sign)", "offered": "\(identity.sign)",
                ])
            }
        }
    }

    /// The pins as they are now, for checking signatures outside the actor.
    var pinsSnapshot: [String: PublicIdentity] { pins }

    /// Checks the signatures of `events` against the pins as they are now, on every core,
    /// outside the actor: what ``ingest(_:)-(CheckedBatch)`` then needs not check again.
    /// Nothing to check for an instance that does not store.
    package nonisolated func check(_ events: [IngestEvent]) async -> CheckedBatch {
        guard roles.contains(.storage) else { return CheckedBatch(unchecked: events) }
        let pins = await pinsSnapshot
        return CheckedBatch(events: events, verdicts: await Self.checkSignatures(events, pins: pins))
    }

    /// The verdicts on the signed events of `events` whose author has a pinned key, by
    /// index, checked on every core at once (Ed25519 verification is most of what a signed
    /// event costs). A verdict in `known` made under the same key is kept, not checked again.
    nonisolated static func checkSignatures(
        _ events: [IngestEvent], pins: [String: PublicIdentity], reusing known: [Int: CheckedVerdict] = [:]
    ) async -> [Int: CheckedVerdict] {
        var verdicts: [Int: CheckedVerdict] = [:]
        var work: [(index: Int, identity: PublicIdentity, signature: EventSignature)] = []
        for (index, event) in events.enumerated() {
            guard let author = event.claimedAuthor, let identity = pins[author] else { continue }
            if let kept = known[index], kept.identity == identity {
                verdicts[index] = kept
            } else if let signature = event.signature {
                work.append((index, identity, signature))
            }
        }
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        guard work.count >= 64, cores > 1 else {
            for item in work { verdicts[item.index] = CheckedVerdict(identity: item.identity, verdict: item.signature.verdict(by: item.identity)) }
            return verdicts
        }
        let chunkSize = (work.count + cores - 1) / cores
        return await withTaskGroup(of: [(Int, CheckedVerdict)].self) { group in
            for start in stride(from: 0, to: work.count, by: chunkSize) {
                let chunk = Array(work[start..<min(start + chunkSize, work.count)])
                group.addTask {
                    chunk.map { ($0.index, CheckedVerdict(identity: $0.identity, verdict: $0.signature.verdict(by: $0.identity))) }
                }
            }
            verdicts.reserveCapacity(verdicts.count + work.count)
            for await part in group {
                for (index, verdict) in part { verdicts[index] = verdict }
            }
            return verdicts
        }
    }

    /// Logs a forged message or event, with why: the first 20, then one in a thousand.
    func noteForged(_ what: String, _ signature: EventSignature) {
        forgedCount += 1
        guard forgedCount <= 20 || forgedCount % 1_000 == 0 else { return }
        logger.warning("forged: not signed by the author's pinned key", metadata: [
            "what": "\(what)", "why": "\(signature.forgeryReason)", "forged": "\(forgedCount)",
        ])
    }

    /// `payload` (a greeting in `main`) signed with `bot`'s key.
    func signedAsBot(_ payload: NewTextPayload) -> NewTextPayload {
        var signed = payload
        if let input = SignatureInput.message(payload, in: .main) {
            signed.sig = botKeys.signature(for: input)
        }
        return signed
    }

    /// `bot`'s public keys, as published on `users/bot/key`.
    package nonisolated var botIdentity: PublicIdentity { botKeys.publicIdentity }

    /// Publishes `bot`'s key, retained, on `users/bot/key`; returns whether the broker took it.
    @discardableResult
    package func publishBotKey() async -> Bool {
        guard let publisher else { return false }
        let announcement = KeyAnnouncementPayload(keys: botKeys, ts: clock.now().milliseconds)
        do {
            try await publisher.publishRetained(topic: Topic.key(.bot).description, payload: announcement.jsonBytes)
            logger.info("published bot's key", metadata: ["sign": "\(announcement.sign)"])
            return true
        } catch {
            logger.warning("cannot publish bot's key: the broker does not answer", metadata: ["error": "\(error)"])
            return false
        }
    }
}

/// What keeps memorize from using `bot`'s key.
enum MemorizeIdentityError: Error, CustomStringConvertible {
    /// The database holds something else than a key seed.
    case badBotSeed(setting: String)

    var description: String {
        switch self {
        case .badBotSeed(let setting):
            "the database's setting \(setting) is not bot's key seed (32 bytes in base64url); "
                + "delete that row to make a new key (members' pages then warn that bot's key changed)"
        }
    }
}
