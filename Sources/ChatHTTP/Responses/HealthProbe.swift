import ChatStore
import Synchronization

/// Asks a store whether it can serve (``MessageStore/checkHealth()``) within a time budget.
///
/// A store on a frozen filesystem (a hung NFS mount, a dead disk) blocks a thread in a
/// system call that no cancellation reaches, so the answer cannot be a task group that
/// waits for its children: the check runs in a task of its own, and the caller waits for
/// it or for the budget, whichever comes first. One check at a time: requests that come
/// while one is running wait for that one, so a hung store costs one blocked check, not
/// one per request.
final class HealthProbe<Store: MessageStore>: Sendable {
    private let store: Store
    /// How long a request waits for the store.
    let budget: Duration
    private let running = Mutex<(number: Int, task: Task<String?, Never>?)>((0, nil))

    init(store: Store, budget: Duration) {
        self.store = store
        self.budget = budget
    }

    /// `nil` when the store is healthy, else why not.
    func check() async -> String? {
        let task = running.withLock { running in
            if let task = running.task { return task }
            running.number += 1
            let number = running.number
            let task = Task { [store] () -> String? in
                let problem: String?
                do {
                    try await store.checkHealth()
                    problem = nil
                } catch {
                    problem = "\(error)"
                }
                self.running.withLock { if $0.number == number { $0.task = nil } }
                return problem
            }
            running.task = task
            return task
        }
        guard let answer = await Self.value(of: task, within: budget) else {
            return "the database did not answer within \(Self.words(budget)) "
                + "(a frozen disk or filesystem, or a lock held too long)"
        }
        return answer
    }

    /// "2 s", "250 ms".
    static func words(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1_000 == 0 ? "\(milliseconds / 1_000) s" : "\(milliseconds) ms"
    }

    /// The task's value, or `nil` when `budget` passes first (the task goes on).
    private static func value(of task: Task<String?, Never>, within budget: Duration) async -> String?? {
        let waiter = Mutex<CheckedContinuation<String??, Never>?>(nil)
        let finish: @Sendable (String??) -> Void = { value in
            waiter.withLock { $0.take() }?.resume(returning: value)
        }
        return await withCheckedContinuation { continuation in
            waiter.withLock { $0 = continuation }
            let timer = Task {
                try? await Task.sleep(for: budget)
                finish(.none)
            }
            Task {
                let value = await task.value
                timer.cancel()
                finish(.some(value))
            }
        }
    }
}
