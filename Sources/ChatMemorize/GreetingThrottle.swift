import Foundation

/// Bounds how many greetings memorize publishes, so that a storm of hellos (new
/// nicknames made up by a script) cannot fill `main` with `bot`'s messages: a token
/// bucket per address and one for everybody.
///
/// Over the address's budget a greeting is not sent (the hello is still recorded). Over the
/// overall budget it waits for its turn instead, as long as that turn comes within
/// ``maximumDelay``: a crowd joining at once is greeted at the overall rate, and only a
/// storm larger than that backlog loses greetings. So 1,000 members joining within the
/// same second get 200 greetings at once and the other 800 within 20 seconds.
struct GreetingThrottle {
    /// A token bucket: `capacity` at once, then `perSecond`.
    struct Budget {
        var capacity: Double
        var perSecond: Double
    }

    /// What becomes of one greeting.
    enum Decision: Equatable {
        /// Send it now.
        case now
        /// Send it at this time (the overall budget is spent until then).
        case at(Date)
        /// Do not send it: the address's budget is spent, or the backlog is full.
        case refused
    }

    private struct Bucket {
        var tokens: Double
        var updated: Date
    }

    let perAddress: Budget
    let overall: Budget
    /// The longest a greeting waits for its turn under the overall budget; a greeting
    /// that would wait longer is refused.
    let maximumDelay: TimeInterval
    /// The most addresses followed; past it, the oldest buckets are forgotten (a full
    /// bucket is the same as none).
    let addressLimit: Int
    private var addresses: [String: Bucket] = [:]
    /// Goes below zero by the greetings waiting for their turn.
    private var everybody: Bucket

    /// 10 greetings per address at once, then one every 6 seconds; 200 overall at once,
    /// then 40 per second, a greeting waiting at most 25 seconds for its turn.
    init(
        perAddress: Budget = Budget(capacity: 10, perSecond: 1.0 / 6), overall: Budget = Budget(capacity: 200, perSecond: 40),
        maximumDelay: TimeInterval = 25, addressLimit: Int = 10_000
    ) {
        self.perAddress = perAddress
        self.overall = overall
        self.maximumDelay = maximumDelay
        self.addressLimit = addressLimit
        everybody = Bucket(tokens: overall.capacity, updated: .distantPast)
    }

    /// Whether and when a greeting for a hello from `address` at `now` goes out; takes a
    /// token from both budgets unless it is refused.
    mutating func admit(address: String, at now: Date) -> Decision {
        var mine = addresses[address] ?? Bucket(tokens: perAddress.capacity, updated: now)
        Self.refill(&mine, budget: perAddress, at: now)
        Self.refill(&everybody, budget: overall, at: now)
        let wait = (1 - everybody.tokens) / overall.perSecond
        guard mine.tokens >= 1, wait <= maximumDelay else {
            addresses[address] = mine
            return .refused
        }
        mine.tokens -= 1
        everybody.tokens -= 1
        if addresses.count >= addressLimit, addresses[address] == nil {
            addresses = addresses.filter { $0.value.tokens < perAddress.capacity - 1 }
        }
        addresses[address] = mine
        return wait <= 0 ? .now : .at(now.addingTimeInterval(wait))
    }

    private static func refill(_ bucket: inout Bucket, budget: Budget, at now: Date) {
        let elapsed = max(0, now.timeIntervalSince(bucket.updated))
        bucket.tokens = min(budget.capacity, bucket.tokens + elapsed * budget.perSecond)
        bucket.updated = max(bucket.updated, now)
    }
}
