internal import GRDB
internal import GRDBSQLite

/// A search ran out of its time budget and was stopped.
public struct SearchTimedOut: Error, Sendable, CustomStringConvertible {
    /// The budget of a search unless said otherwise: one second.
    public static let defaultBudget = Duration.seconds(1)

    /// The budget that ran out.
    public let budget: Duration

    /// A search stopped after `budget`.
    public init(budget: Duration) {
        self.budget = budget
    }

    public var description: String {
        "the search was stopped after \(budget): search for longer or more words"
    }
}

/// Runs a statement on an SQLite connection with a deadline: SQLite's progress handler,
/// called every 1,000 virtual-machine steps, interrupts the statement once the deadline has
/// passed. Only this connection is affected (unlike `sqlite3_interrupt` on the pool).
enum SearchDeadline {
    private final class Box {
        let deadline: ContinuousClock.Instant
        init(_ deadline: ContinuousClock.Instant) { self.deadline = deadline }
    }

    static func run<T>(on db: Database, budget: Duration, _ body: () throws -> T) throws -> T {
        guard let connection = db.sqliteConnection else { return try body() }
        let box = Unmanaged.passRetained(Box(.now + budget))
        sqlite3_progress_handler(connection, 1_000, { context in
            guard let context else { return 0 }
            let box = Unmanaged<Box>.fromOpaque(context).takeUnretainedValue()
            return ContinuousClock.now >= box.deadline ? 1 : 0
        }, box.toOpaque())
        defer {
            sqlite3_progress_handler(connection, 0, nil, nil)
            box.release()
        }
        do {
            return try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
            throw SearchTimedOut(budget: budget)
        }
    }
}
