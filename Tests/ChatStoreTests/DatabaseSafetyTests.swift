import ChatCore
import ChatTestSupport
@testable import ChatStore
import Foundation
import GRDB
import Logging
import Testing

/// Issue 14: the database never vanishes silently; storage errors say what happened.
@Suite("SQLite: a database deleted, replaced, damaged, full or read-only is never lost without a word")
struct DatabaseSafetyTests {
    static let logger = Logger(label: "chatt.test")

    func temporaryPath() throws -> (String, @Sendable () -> Void) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-safety-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (directory.appendingPathComponent("chatt.db").path, { try? FileManager.default.removeItem(at: directory) })
    }

    func batch(_ range: Range<Int>, prefix: String = "m") throws -> StoreBatch {
        var batch = StoreBatch()
        batch.messages = range.map { NewMessage(room: .main, author: "a", text: "\(prefix)\($0)", messageID: "\(prefix)\($0)", receivedAt: 1) }
        return batch
    }

    func removeDatabase(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    @Test("a first start creates the database and records its identity beside it; the next start finds the same")
    func firstStart() async throws {
        let (path, cleanup) = try temporaryPath()
        defer { cleanup() }
        let identity = try #require(try SQLiteMessageStore.open(path: path, logger: Self.logger).identity)
        #expect(try DatabaseMarker(databasePath: path).recordedIdentity() == identity)
        #expect(try SQLiteMessageStore.open(path: path, logger: Self.logger).identity == identity)
    }

    @Test("both daemons starting together on a new path: all open the same new database, the marker records it")
    func concurrentFirstStart() async throws {
        for round in 0..<20 {
            let (path, cleanup) = try temporaryPath()
            defer { cleanup() }
            let identities = await withTaskGroup(of: String.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        await withCheckedContinuation { continuation in
                            Thread.detachNewThread {
                                do {
                                    let store = try SQLiteMessageStore.open(path: path, logger: Self.logger)
                                    continuation.resume(returning: store.identity ?? "none")
                                } catch {
                                    continuation.resume(returning: "\(error)")
                                }
                            }
                        }
                    }
                }
                return await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(identities.count == 1, "round \(round): \(identities)")
            #expect(try DatabaseMarker(databasePath: path).recordedIdentity() == identities.first, "round \(round)")
        }
    }

    @Test("a database deleted between two starts is refused, not made again empty; --create makes a new one")
    func deletedBetweenStarts() async throws {
        let (path, cleanup) = try temporaryPath()
        defer { cleanup() }
        let first = try SQLiteMessageStore.open(path: path, logger: Self.logger)
        try await first.write(batch(0..<10))
        let oldIdentity = first.identity
        removeDatabase(path)
        #expect {
            _ = try SQLiteMessageStore.open(path: path, logger: Self.logger)
        } throws: { error in
            let text = "\(error)"
            return text.contains("it is missing") && text.contains("--create") && text.contains(path + ".id")
        }
        #expect(!FileManager.default.fileExists(atPath: path), "the refusal must not create the file")
        let created = try SQLiteMessageStore.open(path: path, create: true, logger: Self.logger)
        #expect(created.identity != oldIdentity)
        #expect(try DatabaseMarker(databasePath: path).recordedIdentity() == created.identity)
        #expect(try await created.messageCount() == 0)
    }

    @Test("another database put in the place of the recorded one is refused; --create accepts it")
    func replacedBetweenStarts() async throws {
        let (path, cleanup) = try temporaryPath()
        defer { cleanup() }
        let (other, otherCleanup) = try temporaryPath()
        defer { otherCleanup() }
        _ = try SQLiteMessageStore.open(path: path, logger: Self.logger)
        let stranger = try #require(try SQLiteMessageStore(path: other).identity)
        removeDatabase(path)
        try FileManager.default.copyItem(atPath: other, toPath: path)
        #expect {
            _ = try SQLiteMessageStore.open(path: path, logger: Self.logger)
        } throws: { error in
            "\(error)".contains("not the database that was there") && "\(error)".contains(stranger)
        }
        #expect(try SQLiteMessageStore.open(path: path, create: true, logger: Self.logger).identity == stranger)
        #expect(try DatabaseMarker(databasePath: path).recordedIdentity() == stranger)
    }

    @Test("deleted while open: the next write fails naming the deletion, nothing is committed to the lost file, the health check fails")
    func deletedWhileOpen() async throws {
        let (path, cleanup) = try temporaryPath()
        defer { cleanup() }
        let store = try SQLiteMessageStore.open(path: path, logger: Self.logger)
        try await store.write(batch(0..<5))
        try await store.checkHealth()
        removeDatabase(path)
        await #expect {
            try await store.write(batch(5..<10))
        } throws: { error in
            "\(error)".contains("deleted while open") && "\(error)".contains(path)
        }
        #expect(try await store.messageCount() == 5, "the failed write was rolled back")
        await #expect { try await store.checkHealth() } throws: { "\($0)".contains("deleted while open") }
        #expect(throws: StoreError.self) { try store.checkFile() }
    }

    @Test("replaced while open (another file moved in): the next write fails naming the replacement")
    func replacedWhileOpen() async throws {
        let (path, cleanup) = try temporaryPath()
        defer { cleanup() }
        let store = try SQLiteMessageStore.open(path: path, logger: Self.logger)
        try FileManager.default.moveItem(atPath: path, toPath: path + ".moved")
        try Data("not the database".utf8).write(to: URL(fileURLWithPath: path))
        await #expect {
            try await store.write(batch(0..<5))
        } throws: { error in
            "\(error)".contains("another file") && "\(error)".contains("replaced while open")
        }
    }

    @Test("journal_size_limit is 64 MiB on every connection; a checkpoint truncates the WAL, and gives up soon while a reader holds it")
    func walLimit() async throws {
        let (path, cleanup) = try temporaryPath()
        defer { cleanup() }
        let store = try SQLiteMessageStore(path: path)
        let limit = try await store.pragma("journal_size_limit")
        #expect(limit.writer == 64 * 1024 * 1024)
        #expect(limit.reader == 64 * 1024 * 1024)
        #expect(try await store.pragma("wal_autocheckpoint").writer == 1000)
        for chunk in 0..<20 { try await store.write(batch(chunk * 50..<(chunk + 1) * 50)) }
        let walSize = { (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? nil }
        #expect((walSize() ?? 0) > 0)
        #expect(try await store.checkpoint())
        #expect(walSize() == 0)
        // A reader in the middle of a read keeps the WAL busy: the checkpoint gives up
        // after its patience instead of holding the write lock for the busy timeout.
        for chunk in 20..<25 { try await store.write(batch(chunk * 50..<(chunk + 1) * 50)) }
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let reader = try DatabaseQueue(path: path, configuration: configuration)
        try reader.inDatabase { db in try db.execute(sql: "BEGIN; SELECT count(*) FROM message") }
        #expect(try await store.checkpoint() == false)
        try reader.inDatabase { db in try db.execute(sql: "COMMIT") }
        #expect(try await store.checkpoint())
        #expect(walSize() == 0)
    }

    @Test("a full disk: the write throws an error that says full, and writing works again once there is room")
    func fullDisk() async throws {
        try #require(getuid() == 0, "mounting a small tmpfs needs root")
        let mountPoint = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-full-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: mountPoint) }
        #expect(runCommand("/bin/mount", "-t", "tmpfs", "-o", "size=1m", "chatt-full-test", mountPoint) == 0)
        defer { _ = runCommand("/bin/umount", "--lazy", mountPoint) }  // also when something still holds it
        let path = mountPoint + "/chatt.db"
        let store = try SQLiteMessageStore.open(path: path, logger: Self.logger)
        try await store.write(batch(0..<10))
        // Fill the rest of the disk.
        let filler = mountPoint + "/filler"
        #expect(FileManager.default.createFile(atPath: filler, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: filler))
        while (try? handle.write(contentsOf: Data(count: 16 * 1024))) != nil {}
        try handle.close()
        var failure: (any Error)?
        for round in 0..<200 where failure == nil {
            do {
                try await store.write(batch(round * 50 + 10..<round * 50 + 60, prefix: String(repeating: "x", count: 500)))
            } catch {
                failure = error
            }
        }
        let error = try #require(failure, "the disk never filled")
        print("SQLite on a full disk: \(error)")
        #expect("\(error)".contains("full"), "\(error)")
        #expect("\(error)".contains(path), "\(error)")
        try FileManager.default.removeItem(atPath: filler)
        try await store.write(batch(100_000..<100_010))
        #expect(try await store.integrityCheck() == ["ok"])
    }

    @Test("a read-only filesystem: the reader's access opens the database read-only and reads it; read-write access is refused saying why")
    func readOnlyFilesystem() async throws {
        try #require(getuid() == 0, "a read-only bind mount needs root")
        let (path, cleanup) = try temporaryPath()
        defer { cleanup() }
        do {
            let store = try SQLiteMessageStore.open(path: path, logger: Self.logger)
            try await store.write(batch(0..<3))
        }
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"), "closed cleanly")
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let mountPoint = folder + "-ro"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: mountPoint) }
        #expect(runCommand("/bin/mount", "--bind", "-o", "ro", folder, mountPoint) == 0)
        defer { _ = runCommand("/bin/umount", "--lazy", mountPoint) }  // also when something still holds it
        let readOnlyPath = mountPoint + "/chatt.db"

        do {
            let reader = try SQLiteMessageStore.open(path: readOnlyPath, access: .readWriteElseReadOnly, logger: Self.logger)
            #expect(reader.isReadOnly)
            #expect(try await reader.messageCount() == 3)
            try await reader.checkHealth()
            await #expect { try await reader.write(batch(3..<4)) } throws: { "\($0)".contains("read") }
            #expect {
                _ = try SQLiteMessageStore.open(path: readOnlyPath, logger: Self.logger)
            } throws: { error in
                "\(error)".contains(readOnlyPath) && "\(error)".contains("read-only")
            }
        }
        // The stores are closed: the mount can go. (Retried for a while: a process another
        // test forks at that moment holds the process's descriptors until its exec.)
        try await waitUntil("the read-only mount to be released (the stores are closed)", timeout: .seconds(20),
                            interval: .milliseconds(100)) {
            runCommand("/bin/umount", mountPoint) == 0
        }
    }

    @Test("a read-only filesystem with the -wal and -shm files a writer left (it was killed): still opened read-only, and said so")
    func readOnlyFilesystemAfterAWriter() async throws {
        try #require(getuid() == 0, "a read-only bind mount needs root")
        let (path, cleanup) = try temporaryPath()
        defer { cleanup() }
        let writer = try SQLiteMessageStore.open(path: path, logger: Self.logger)
        try await writer.write(batch(0..<3))
        // A crash image: the files as a killed writer leaves them.
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let image = folder + "-image"
        try FileManager.default.createDirectory(atPath: image, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: image) }
        for suffix in ["", "-wal", "-shm", ".id"] {
            try FileManager.default.copyItem(atPath: path + suffix, toPath: image + "/chatt.db" + suffix)
        }
        let mountPoint = image + "-ro"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: mountPoint) }
        #expect(runCommand("/bin/mount", "--bind", "-o", "ro", image, mountPoint) == 0)
        defer { _ = runCommand("/bin/umount", "--lazy", mountPoint) }  // also when something still holds it
        do {
            let reader = try SQLiteMessageStore.open(path: mountPoint + "/chatt.db", access: .readWriteElseReadOnly, logger: Self.logger)
            #expect(reader.isReadOnly)
            #expect(try await reader.messageCount() == 3)
            #expect {
                _ = try SQLiteMessageStore.open(path: mountPoint + "/chatt.db", logger: Self.logger)
            } throws: { error in
                "\(error)".contains("cannot write it") && "\(error)".contains("read-only")
            }
        }
        // The stores are closed: the mount can go. (Retried for a while: a process another
        // test forks at that moment holds the process's descriptors until its exec.)
        try await waitUntil("the read-only mount to be released (the stores are closed)", timeout: .seconds(20),
                            interval: .milliseconds(100)) {
            runCommand("/bin/umount", mountPoint) == 0
        }
    }

    @Test("a WAL restarted after a checkpoint keeps frames of its earlier cycle at its end: not taken for damage")
    func staleFramesAreNotDamage() async throws {
        let (path, cleanup) = try temporaryPath()
        defer { cleanup() }
        let (crashPath, crashCleanup) = try temporaryPath()
        defer { crashCleanup() }
        let store = try SQLiteMessageStore(path: path)
        for round in 0..<40 { try await store.write(batch(round * 10..<(round + 1) * 10)) }
        // Checkpoint everything and make the next writer start the WAL over, without truncating it.
        let other = try DatabaseQueue(path: path)
        try await other.writeWithoutTransaction { db in _ = try db.checkpoint(.restart) }
        for round in 40..<45 { try await store.write(batch(round * 10..<(round + 1) * 10)) }
        try FileManager.default.copyItem(atPath: path, toPath: crashPath)
        try FileManager.default.copyItem(atPath: path + "-wal", toPath: crashPath + "-wal")
        let wal = try #require(WALInspection.inspect(path: crashPath + "-wal"))
        #expect(wal.frames > wal.replayed, "stale frames of the earlier cycle are there")
        #expect(wal.replayedCommits == 5)
        #expect(!wal.losesData)
        let reopened = try SQLiteMessageStore.open(path: crashPath, logger: Self.logger)
        #expect(try await reopened.messageCount() == 450)
    }

    @Test("a WAL damaged after a crash: the frames SQLite drops are counted, and a copy is kept")
    func damagedWAL() async throws {
        let (path, cleanup) = try temporaryPath()
        defer { cleanup() }
        let (crashPath, crashCleanup) = try temporaryPath()
        defer { crashCleanup() }
        let store = try SQLiteMessageStore(path: path)
        for round in 0..<40 { try await store.write(batch(round * 10..<(round + 1) * 10)) }
        // A crash image: the files as they are while the store is open (no checkpoint yet).
        try FileManager.default.copyItem(atPath: path, toPath: crashPath)
        try FileManager.default.copyItem(atPath: path + "-wal", toPath: crashPath + "-wal")
        let healthy = try #require(WALInspection.inspect(path: crashPath + "-wal"))
        #expect(!healthy.losesData)
        #expect(healthy.replayedCommits >= 40)
        #expect(healthy.replayed == healthy.frames)

        // Damage one byte in the middle of a frame's page, half-way through.
        let pageSize = 4096, frame = healthy.frames / 2
        let handle = try #require(FileHandle(forUpdatingAtPath: crashPath + "-wal"))
        let offset = UInt64(32 + (frame - 1) * (24 + pageSize) + 24 + 100)
        try handle.seek(toOffset: offset)
        let byte = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: Data([byte ^ 0xFF]))
        try handle.close()

        let damaged = try #require(WALInspection.inspect(path: crashPath + "-wal"))
        #expect(damaged.losesData)
        #expect(damaged.firstInvalidFrame == frame)
        #expect(damaged.dropped == damaged.frames - frame + 1)
        #expect(damaged.replayedCommits + damaged.droppedCommits >= 40)
        #expect(damaged.droppedCommits > 0)

        let reopened = try SQLiteMessageStore.open(path: crashPath, logger: Self.logger)
        let kept = try FileManager.default.contentsOfDirectory(atPath: URL(fileURLWithPath: crashPath).deletingLastPathComponent().path)
        #expect(kept.contains { $0.hasPrefix("chatt.db-wal.damaged-") }, "\(kept)")
        // What SQLite kept is what the inspection said it would.
        #expect(try await reopened.messageCount() < 400)
    }
}
