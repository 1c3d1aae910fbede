import ChatCore
import ChatMemorize
import ChatStore
import ChatTestSupport
import Foundation
import Synchronization
import Testing

/// A store whose writes of messages wait, one at a time, until the test lets them go.
final class HeldStore: ForwardingMessageStore {
    let inner: any MessageStore = InMemoryMessageStore()
    private let held = Mutex<[CheckedContinuation<Void, Never>]>([])

    func write(_ batch: StoreBatch) async throws -> StoreWriteResult {
        guard !batch.messages.isEmpty else { return try await inner.write(batch) }
        await withCheckedContinuation { continuation in held.withLock { $0.append(continuation) } }
        return try await inner.write(batch)
    }

    /// Writes waiting to be let go.
    var waiting: Int { held.withLock { $0.count } }

    /// Lets the oldest waiting write go on.
    func release() {
        held.withLock { $0.isEmpty ? nil : $0.removeFirst() }?.resume()
    }
}

@Suite("Ingest in two stages: the next batch checked while one is stored")
struct IngestStagesTests {
    func message(_ n: Int) throws -> IngestEvent {
        .message(.main, NewTextPayload(author: try Nickname("ann"), text: "message \(n)", id: "message-\(1_000 + n)", ts: Int64(n)),
                 receivedAt: Int64(n))
    }

    @Test("while a batch's transaction is held, the next is taken; each is acknowledged after its own commit, in order")
    func overlapAndOrder() async throws {
        let store = HeldStore()
        let memorizer = try await Memorizer(store: store, publisher: nil)
        let queue = IngestQueue<IngestEvent>(weight: { $0.heldBytes })
        let acknowledged = Mutex<[Int]>([])
        let service = IngestService(queue: queue, memorizer: memorizer) { count in acknowledged.withLock { $0.append(count) } }
        let ended = EndFlag()
        let running = Task {
            try? await service.run()
            ended.set()
        }
        defer { running.cancel() }
        for n in 0..<3 { queue.push(try message(n)) }
        try await waitUntil("the first batch's write to start", timeout: .seconds(30)) { store.waiting == 1 }
        for n in 3..<5 { queue.push(try message(n)) }
        try await waitUntil("the next batch to be taken while the first is held", timeout: .seconds(30)) { queue.waitingBytes == 0 }
        #expect(acknowledged.withLock { $0 }.isEmpty, "nothing acknowledged before its commit")
        #expect(store.waiting == 1, "one writer: the next batch waits for the first")

        store.release()
        try await waitUntil("the first batch to be acknowledged", timeout: .seconds(30)) { acknowledged.withLock { $0 } == [3] }
        try await waitUntil("the second batch's write to start", timeout: .seconds(30)) { store.waiting == 1 }
        #expect(try await store.inner.lastMessages(in: .main, limit: 10).map(\.messageID) == (0..<3).map { "message-\(1_000 + $0)" })

        store.release()
        try await waitUntil("the second batch to be acknowledged", timeout: .seconds(30)) { acknowledged.withLock { $0 } == [3, 2] }
        #expect(try await store.inner.lastMessages(in: .main, limit: 10).map(\.messageID) == (0..<5).map { "message-\(1_000 + $0)" })
        queue.finish()
        try await waitUntil("the service to return at the end of input", timeout: .seconds(30)) { ended.isSet }
    }
}
