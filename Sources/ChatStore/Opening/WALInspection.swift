import Foundation

/// What an SQLite WAL file holds, read before SQLite opens the database.
///
/// SQLite replays a WAL up to the last commit before the first frame whose checksum or
/// salt does not match, and ignores the rest without a word: a WAL damaged after a crash
/// silently drops every transaction after the damage (the test behind issue 14 lost 463
/// of 600 acknowledged messages so). Frames left from an earlier cycle of the WAL carry
/// other salts and are rightly ignored; frames *with the current salts* after an invalid
/// one are transactions SQLite will drop. This counts them, so that the loss is said.
///
/// Not detected: damage to the last frames (nothing after them to tell a torn write from
/// damage), damage to the database file itself (`PRAGMA quick_check` finds that), and a
/// WAL restarted by another process during the read (the header's salts are compared
/// before and after; when they differ, no verdict).
public struct WALInspection: Sendable, Hashable {
    /// Frames in the file (whole ones).
    public var frames = 0
    /// Frames SQLite will replay: up to the last valid commit.
    public var replayed = 0
    /// Valid commits among them (transactions).
    public var replayedCommits = 0
    /// Frames of the current cycle after the first invalid frame: SQLite drops them.
    public var dropped = 0
    /// Commits among the dropped frames (each a transaction: a batch of messages).
    public var droppedCommits = 0
    /// The first invalid frame of the current cycle (1-based), if any frames are dropped.
    public var firstInvalidFrame: Int?
    /// The header itself is damaged: SQLite ignores the whole WAL.
    public var headerDamaged = false

    /// Whether SQLite will drop transactions of this WAL.
    public var losesData: Bool { dropped > 0 || (headerDamaged && frames > 0) }

    /// Reads the WAL at `path`; `nil` when there is none, it is empty, or no verdict is possible.
    public static func inspect(path: String) -> WALInspection? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 32), header.count == 32 else { return nil }
        let bytes = [UInt8](header)
        let magic = word(bytes, 0, bigEndian: true)
        guard magic == 0x377F_0682 || magic == 0x377F_0683 else { return nil }
        let bigEndian = magic & 1 == 1
        let pageSize = Int(word(bytes, 8, bigEndian: true))
        guard pageSize >= 512, pageSize <= 65_536, pageSize & (pageSize - 1) == 0 else { return nil }
        let salts = (word(bytes, 16, bigEndian: true), word(bytes, 20, bigEndian: true))
        var report = WALInspection()
        var sums = checksum(bytes[0..<24], bigEndian: bigEndian, start: (0, 0))
        report.headerDamaged = sums != (word(bytes, 24, bigEndian: true), word(bytes, 28, bigEndian: true))

        var valid = true
        var invalidIsCurrent = false, invalidIsCommit = false
        while let frame = try? handle.read(upToCount: 24 + pageSize), frame.count == 24 + pageSize {
            report.frames += 1
            guard !report.headerDamaged else { continue }
            let frameBytes = [UInt8](frame)
            let current = (word(frameBytes, 8, bigEndian: true), word(frameBytes, 12, bigEndian: true)) == salts
            let isCommit = word(frameBytes, 4, bigEndian: true) != 0
            if valid {
                let next = checksum(frameBytes[24...], bigEndian: bigEndian,
                                    start: checksum(frameBytes[0..<8], bigEndian: bigEndian, start: sums))
                if current && next == (word(frameBytes, 16, bigEndian: true), word(frameBytes, 20, bigEndian: true)) {
                    sums = next
                    if isCommit {
                        report.replayed = report.frames
                        report.replayedCommits += 1
                    }
                } else {
                    // The end of what SQLite replays: a stale frame of an earlier cycle
                    // (normal), a torn last write, or damage; what follows tells which.
                    valid = false
                    report.firstInvalidFrame = report.frames
                    invalidIsCurrent = current
                    invalidIsCommit = isCommit
                }
            } else if current {
                if report.dropped == 0 && invalidIsCurrent {
                    report.dropped = 1
                    report.droppedCommits = invalidIsCommit ? 1 : 0
                }
                report.dropped += 1
                if isCommit { report.droppedCommits += 1 }
            }
        }
        if report.dropped == 0 { report.firstInvalidFrame = nil }
        // A restart of the WAL by another process while it was read: no verdict.
        guard let again = FileHandle(forReadingAtPath: path), let header2 = try? again.read(upToCount: 32) else { return nil }
        try? again.close()
        guard header2 == header else { return nil }
        return report
    }

    private static func word(_ bytes: [UInt8], _ offset: Int, bigEndian: Bool) -> UInt32 {
        let b = (UInt32(bytes[offset]), UInt32(bytes[offset + 1]), UInt32(bytes[offset + 2]), UInt32(bytes[offset + 3]))
        return bigEndian ? b.0 << 24 | b.1 << 16 | b.2 << 8 | b.3 : b.3 << 24 | b.2 << 16 | b.1 << 8 | b.0
    }

    /// SQLite's WAL checksum (walChecksumBytes) over `bytes`, continuing from `start`.
    private static func checksum(_ bytes: ArraySlice<UInt8>, bigEndian: Bool, start: (UInt32, UInt32)) -> (UInt32, UInt32) {
        var (s0, s1) = start
        bytes.withUnsafeBufferPointer { buffer in
            var i = 0
            while i + 8 <= buffer.count {
                let x0 = read(buffer, i, bigEndian: bigEndian), x1 = read(buffer, i + 4, bigEndian: bigEndian)
                s0 = s0 &+ x0 &+ s1
                s1 = s1 &+ x1 &+ s0
                i += 8
            }
        }
        return (s0, s1)
    }

    private static func read(_ buffer: UnsafeBufferPointer<UInt8>, _ offset: Int, bigEndian: Bool) -> UInt32 {
        let b = (UInt32(buffer[offset]), UInt32(buffer[offset + 1]), UInt32(buffer[offset + 2]), UInt32(buffer[offset + 3]))
        return bigEndian ? b.0 << 24 | b.1 << 16 | b.2 << 8 | b.3 : b.3 << 24 | b.2 << 16 | b.1 << 8 | b.0
    }
}
