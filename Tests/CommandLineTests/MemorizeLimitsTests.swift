import ChatTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What memorize refuses, and that refusing keeps it small: oversize texts, over-long
/// nicknames and room names, a flood of new rooms.
extension MemorizeBrokerTests {
    @Test("oversize and over-long input is skipped with a reason; 5,000 new rooms stop at the limit; RSS stays bounded")
    func limits() async throws {
        let (db, cleanup) = try temporaryDatabase()
        defer { cleanup() }
        // Standard input through a FIFO the test writes to, so the daemon stays up between
        // the two measurements.
        signal(SIGPIPE, SIG_IGN)  // a daemon that died must fail the test, not kill the runner
        let fifo = db + ".in"
        guard mkfifo(fifo, 0o600) == 0 else { throw TestSupportError("mkfifo failed: errno \(errno)") }
        let daemon = try ToolProcess("sh", ["-c", "exec '\(memorize)' --db '\(db)' --broker mqtt://127.0.0.1:9 --no-reverse-dns < '\(fifo)'"],
                                     environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"])
        defer { daemon.kill() }
        let input = try await Task.detached { try FileHandle(forWritingTo: URL(fileURLWithPath: fifo)) }.value

        func send(_ lines: [String]) {
            input.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
        send(["rooms/main/newtext " + payload("warm-up", id: "w")])
        try await waitUntil("the first message to be stored", timeout: .seconds(30)) { try await storedIDs(db).contains("w") }
        let before = try residentMegabytes(daemon.pid)

        let tooLongText = String(repeating: "x", count: 16 * 1024 + 1)
        let tooLongNick = String(repeating: "n", count: 33)
        let tooLongRoom = String(repeating: "r", count: 65)
        send([
            "rooms/main/newtext " + payload(tooLongText, id: "big"),
            "rooms/main/newtext " + payload("hi", id: "nick", author: tooLongNick),
            "rooms/\(tooLongRoom)/newtext " + payload("hi", id: "room"),
            "users/\(tooLongNick)/hello {\"ipAddress\":\"127.0.0.1\"}",
        ])
        send((0..<5_000).map { "rooms/r\($0)/newtext " + payload("room \($0)", id: "r\($0)") })
        send(["rooms/main/newtext " + payload(String(repeating: "y", count: 16 * 1024), id: "at-limit")])
        try await waitUntil("the last message to be stored", timeout: .seconds(60)) { try await storedIDs(db).contains("at-limit") }
        let after = try residentMegabytes(daemon.pid)
        try input.close()
        let result = try await daemon.wait(timeout: .seconds(30))
        #expect(result.status == 0, "\(result.stderr)")

        let ids = try await storedIDs(db)
        #expect(!ids.contains("big") && !ids.contains("nick") && !ids.contains("room"))
        #expect(try await sqlite(db, "SELECT count(*) FROM room") == "1000")
        #expect(ids.filter { $0.hasPrefix("r") }.count == 999, "main and 999 new rooms")
        for reason in ["the text is too long: 16385 bytes, at most 16384", "nickname is too long",
                       "room name is too long", "too many rooms: 1000 exist"] {
            #expect(result.stderr.contains(reason), "no skip logged saying \"\(reason)\"")
        }
        print(String(format: "memorize RSS: %.1f MB before, %.1f MB after 5,000 new rooms and oversize input", before, after))
        #expect(after < 200)
    }
}

/// A process's resident set size in MB, from /proc/<pid>/status (VmRSS).
func residentMegabytes(_ pid: Int32) throws -> Double {
    let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kilobytes = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    else { throw TestSupportError("no VmRSS in /proc/\(pid)/status") }
    return kilobytes / 1024
}
