import Synchronization

/// A caller waiting for the broker (CONNACK, PUBACK, SUBACK, UNSUBACK): resumed once,
/// by the answer, by the client's close, or by the caller's cancellation, whichever
/// comes first. Later resumptions do nothing, so a cancelled waiter may stay in the
/// client's tables until its answer comes.
final class Waiter: Sendable {
    private enum Slot {
        case pending(cancelled: Bool)
        case waiting(CheckedContinuation<Result<Void, MQTTError>, Never>)
        case done
    }

    private let slot = Mutex(Slot.pending(cancelled: false))
    private let operation: String

    init(operation: String) {
        self.operation = operation
    }

    /// Holds `continuation`; `false` (and resumes it as cancelled) when the caller was
    /// cancelled before it got here.
    fileprivate func install(_ continuation: CheckedContinuation<Result<Void, MQTTError>, Never>) -> Bool {
        let cancelled = slot.withLock { slot in
            guard case .pending(false) = slot else {
                slot = .done
                return true
            }
            slot = .waiting(continuation)
            return false
        }
        if cancelled { continuation.resume(returning: .failure(.cancelled(operation))) }
        return !cancelled
    }

    /// Ends the wait with `result`, unless it has ended already.
    func resume(returning result: Result<Void, MQTTError>) {
        let continuation: CheckedContinuation<Result<Void, MQTTError>, Never>? = slot.withLock { slot in
            switch slot {
            case .waiting(let continuation):
                slot = .done
                return continuation
            case .pending:
                slot = .done
                return nil
            case .done:
                return nil
            }
        }
        continuation?.resume(returning: result)
    }

    /// The caller's task was cancelled.
    fileprivate func cancel() {
        let pendingCancelled = slot.withLock { slot in
            if case .pending = slot {
                slot = .pending(cancelled: true)
                return true
            }
            return false
        }
        if !pendingCancelled { resume(returning: .failure(.cancelled(operation))) }
    }
}

extension ClientCore {
    /// Waits for what `register` sets up (it stores the waiter where the answer will find
    /// it, or resumes it at once), returning early with ``MQTTError/Kind/cancelled`` when
    /// the calling task is cancelled.
    func wait(_ operation: String, _ register: (Waiter) -> Void) async -> Result<Void, MQTTError> {
        let waiter = Waiter(operation: operation)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if waiter.install(continuation) { register(waiter) }
            }
        } onCancel: {
            waiter.cancel()
        }
    }
}
