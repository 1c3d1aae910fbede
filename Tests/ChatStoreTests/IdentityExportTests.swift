import ChatCore
import ChatStore
import Foundation
import Synchronization
import Testing

/// `--export` / `--import` with issue 17's data: verdicts, direct messages, pinned keys.
@Suite("Export and import keep verdicts, direct messages and pinned keys")
struct IdentityExportTests {
    func exported(_ store: any MessageStore) async throws -> String {
        let output = Mutex<[UInt8]>([])
        try await JSONLinesExport.export(store) { bytes in output.withLock { $0 += bytes } }
        return String(decoding: output.withLock { $0 }, as: UTF8.self)
    }

    func keys(_ nick: String, _ seed: UInt8) throws -> IdentityKeys {
        IdentityKeys(seed: Array(repeating: seed, count: 32), nick: try Nickname(nick))
    }

    @Test("a round trip keeps each message's verdict, each direct message with its verdict, and the pins (not bot's); twice changes nothing",
          arguments: StoreKind.allCases)
    func roundTrip(kind: StoreKind) async throws {
        let (source, cleanupSource) = try await kind.make()
        defer { cleanupSource() }
        var batch = StoreBatch()
        let verdicts: [SignatureVerdict?] = [.verified, .forged, nil]
        for (n, verdict) in verdicts.enumerated() {
            var message = NewMessage(room: .main, author: "ann", text: "text \(n)", messageID: "message-\(n)", ts: Int64(n), receivedAt: Int64(n))
            message.verdict = verdict
            batch.messages.append(message)
            batch.directs.append(DirectMessage(from: n == 1 ? "bob" : "ann", to: n == 1 ? "ann" : "bob", id: "direct-\(n)", ts: Int64(n),
                                               nonce: "nonce\(n)", ct: "ct\(n)", sig: "sig\(n)", receivedAt: 100 + Int64(n), verdict: verdict))
        }
        try await source.write(batch)
        let ann = try keys("ann", 1), bob = try keys("bob", 2)
        _ = try await source.pin(ann.publicIdentity, for: ann.nick)
        _ = try await source.pin(bob.publicIdentity, for: bob.nick)
        _ = try await source.pin(try keys("bot", 3).publicIdentity, for: .bot)

        let text = try await exported(source)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 8, "3 messages, 3 direct messages, 2 pins: \(text)")
        #expect(lines[0].contains(#""sig":"verified""#) && lines[1].contains(#""sig":"forged""#) && !lines[2].contains(#""sig""#))
        #expect(lines[3].hasPrefix(#"{"direct":{"from":"ann","to":"bob","id":"direct-0","ts":0,"nonce":"nonce0","ct":"ct0","sig":"sig0"},"receivedAt":100,"verdict":"verified"}"#))
        #expect(lines[4].contains(#""verdict":"forged""#) && !lines[5].contains("verdict"))
        #expect(lines[6] == #"{"pinnedKey":"ann","sign":"\#(ann.publicIdentity.sign)","dh":"\#(ann.publicIdentity.dh)"}"#)
        #expect(lines[7].hasPrefix(#"{"pinnedKey":"bob""#))
        #expect(JSONLinesImport.looksLikeExport(lines[3]) && JSONLinesImport.looksLikeExport(lines[6]))

        let (target, cleanupTarget) = try await kind.make()
        defer { cleanupTarget() }
        let report = try await JSONLinesImport.importLines(text, into: target, receivedAt: 1_000)
        #expect(report.skipped.isEmpty, "\(report.skipped)")
        #expect(report.messagesStored == 3 && report.directs == 3 && report.pinnedKeys == 2)
        #expect(try await exported(target) == text)
        #expect(try await target.pinnedKey(of: ann.nick) == ann.publicIdentity)
        #expect(try await target.directMessages(in: DirectConversation("ann", "bob"), before: nil, limit: 10).messages.map(\.verdict)
                    == verdicts)
        _ = try await JSONLinesImport.importLines(text, into: target, receivedAt: 2_000)
        #expect(try await exported(target) == text, "importing twice stores nothing twice")
    }

    @Test("a pin the target holds for other keys is kept, and the import says so; a line pinning bot is refused",
          arguments: StoreKind.allCases)
    func conflictingPin(kind: StoreKind) async throws {
        let (target, cleanup) = try await kind.make()
        defer { cleanup() }
        let ann = try keys("ann", 1), here = try keys("ann", 9), bot = try keys("bot", 3)
        _ = try await target.pin(here.publicIdentity, for: here.nick)
        let text = #"{"pinnedKey":"ann","sign":"\#(ann.publicIdentity.sign)","dh":"\#(ann.publicIdentity.dh)"}"# + "\n"
            + #"{"pinnedKey":"bot","sign":"\#(bot.publicIdentity.sign)","dh":"\#(bot.publicIdentity.dh)"}"# + "\n"
            + #"{"pinnedKey":"cid","sign":"abc","dh":"def"}"# + "\n"
        let report = try await JSONLinesImport.importLines(text, into: target, receivedAt: 1_000)
        #expect(report.pinnedKeys == 0)
        #expect(report.skipped.count == 3, "\(report.skipped)")
        #expect(report.skipped.contains { $0.contains("ann is pinned to other keys here; those are kept") })
        #expect(try await target.pinnedKey(of: here.nick) == here.publicIdentity)
        #expect(try await target.pinnedKey(of: .bot) == nil)
    }
}
