package import Logging
import ServiceLifecycle

/// Drains an ``IngestQueue`` into a ``Memorizer``: everything waiting goes into one
/// transaction (group commit). Returns at the end of input; on graceful shutdown it
/// stores what was received, then returns.
///
/// Two stages: while one batch is being stored, the next is taken and its signatures
/// checked on every core (``Memorizer/check(_:)``), one batch ahead at most. Batches are
/// stored in the order they came, and each is acknowledged (`afterStoring`) as soon as
/// its transaction has committed, never before.
package struct IngestService: Service {
    let queue: IngestQueue<IngestEvent>
    let memorizer: Memorizer
    let batchLimit: Int
    let afterStoring: (@Sendable (_ count: Int) -> Void)?
    let logger: Logger

    /// Creates the service. `afterStoring` hears, after each transaction has committed,
    /// how many events of the queue it covered (stored, or skipped as invalid): this is
    /// when the broker may be told that they are safe.
    package init(
        queue: IngestQueue<IngestEvent>, memorizer: Memorizer, batchLimit: Int = 10_000,
        logger: Logger = Logger(label: "chatt.memorize"),
        afterStoring: (@Sendable (_ count: Int) -> Void)? = nil
    ) {
        self.queue = queue
        self.memorizer = memorizer
        self.batchLimit = batchLimit
        self.logger = logger
        self.afterStoring = afterStoring
    }

    package func run() async throws {
        // Cancelled (the group cancels everything when a service fails without a graceful
        // shutdown), the queue is finished too: a consumer parked in `take` would otherwise
        // wait forever, and with it the whole process, deaf even to SIGTERM.
        let queue = self.queue
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await drain()
            } onGracefulShutdown: {
                queue.finish()
            }
        } onCancel: {
            queue.finish()
        }
    }

    /// The next batch, its signatures checked; `nil` at the end of input.
    private static func nextChecked(from queue: IngestQueue<IngestEvent>, limit: Int, memorizer: Memorizer) async -> CheckedBatch? {
        guard let events = await queue.take(upTo: limit) else { return nil }
        return await memorizer.check(events)
    }

    private func drain() async throws {
        let queue = self.queue, memorizer = self.memorizer, limit = batchLimit
        var current = await Self.nextChecked(from: queue, limit: limit, memorizer: memorizer)
        while let batch = current {
            // The next batch is taken and checked while this one is stored.
            async let following = Self.nextChecked(from: queue, limit: limit, memorizer: memorizer)
            do {
                try await memorizer.ingest(batch)
            } catch {
                // Nothing of this batch was acknowledged: stopping loses nothing, and the
                // broker sends it again to the next run. Going on would leave the broker
                // waiting for acknowledgements forever. (Finishing the queue also ends the
                // stage that takes the next batch.)
                logger.error("cannot store messages; stopping (nothing unstored was acknowledged: the broker keeps it for the next start)",
                             metadata: ["error": "\(error)", "batch": "\(batch.events.count)"])
                queue.finish()
                _ = await following
                throw error
            }
            afterStoring?(batch.events.count)
            current = await following
        }
    }
}

/// Runs the idle sweep every `interval` until graceful shutdown.
package struct IdleSweepService: Service {
    let memorizer: Memorizer
    let interval: Duration

    /// Creates the service.
    package init(memorizer: Memorizer, interval: Duration = .seconds(60)) {
        self.memorizer = memorizer
        self.interval = interval
    }

    package func run() async throws {
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            try await memorizer.sweepIdle()
        }
    }
}

/// Publishes the greetings a ``Memorizer`` decides on, a few at once, until graceful
/// shutdown; then those already decided. Stopped after ingest and before the broker
/// connection, so the last greetings still go out.
package struct GreetingService: Service {
    let memorizer: Memorizer

    /// Creates the service.
    package init(memorizer: Memorizer) {
        self.memorizer = memorizer
    }

    package func run() async {
        // bot's key goes out beside the greetings it signs, without holding them up, and
        // without holding up the shutdown either: once greetings are done, it is given up.
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await memorizer.publishBotKey() }
            await memorizer.runGreetings()
            group.cancelAll()
        }
    }
}
