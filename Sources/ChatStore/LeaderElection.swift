public import Logging

/// Runs a job in exactly one process at a time among those sharing a ``LeaderLock``.
public enum LeaderElection {
    /// Tries `lock` every `retryInterval` until it is held, then runs `whileLeading` until
    /// it returns (this returns too) or the lock is lost (`whileLeading` is cancelled and
    /// the campaign starts again). Returns when cancelled.
    public static func run(
        lock: any LeaderLock, retryInterval: Duration = .seconds(2), logger: Logger,
        whileLeading: @escaping @Sendable () async throws -> Void
    ) async throws {
        var waitingLogged = false
        while !Task.isCancelled {
            let held: (any HeldLeaderLock)?
            do {
                held = try await lock.tryAcquire()
            } catch {
                logger.warning("cannot try the leader lock; trying again", metadata: ["error": "\(error)"])
                held = nil
            }
            if let held, Task.isCancelled {
                await held.release()
                return
            }
            guard let held else {
                if !waitingLogged {
                    logger.info("another instance leads (greetings and idle logouts); standing by")
                    waitingLogged = true
                }
                do { try await Task.sleep(for: retryInterval) } catch { return }
                continue
            }
            waitingLogged = false
            logger.info("leading: this instance greets newcomers and logs idle users out")
            let outcome = await withTaskGroup(of: Outcome.self) { group in
                group.addTask {
                    do { try await whileLeading(); return .finished } catch { return .failed(error) }
                }
                group.addTask {
                    do { try await held.waitUntilLost(); return .lost } catch { return .finished }
                }
                let first = await group.next() ?? .finished
                group.cancelAll()
                return first
            }
            await held.release()
            switch outcome {
            case .finished:
                return
            case .failed(let error):
                throw error
            case .lost:
                logger.warning("lost the leader lock (the connection that held it broke); campaigning again")
            }
        }
    }

    private enum Outcome: Sendable {
        case finished, lost
        case failed(any Error)
    }
}
