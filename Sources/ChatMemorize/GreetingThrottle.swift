import Foundation

/// Bounds how many greetings memorize publishes, so that a storm of hellos (new
/// nicknames made up by a script) cannot fill `main` with `bot`'s messages: a token
/// bucket per address and one for everybody. A greeting over either budget is not sent
/// (the hello is still recorded).
///
/// The overall budget still greets a real crowd quickly: 1,000 members joining within
/// 10 seconds are all greeted within about 25.
struct GreetingThrottle {
    /// A token bucket: `capacity` at once, then `perSecond`.
    struct Budget {
        var capacity: Double
        var perSecond: Double
    }

    private struct Bucket {
        var tokens: Double
        var updated: Date
    }

    let perAddress: Budget
    let overall: Budget
    /// The most addresses followed; past it, the oldest buckets are forgotten (a full
    /// bucket is the same as none).
    let addressLimit: Int
    private var addresses: [String: Bucket] = [:]
    private var everybody: Bucket

    /// 10 greetings per address at once, then one every 6 seconds; 200 overall at once,
    /// then 40 per second.
    init(
        perAddress: Budget = Budget(capacity: 10, perSecond: 1.0 / 6), overall: Budget = Budget(capacity: 200, perSecond: 40),
        addressLimit: Int = 10_000
    ) {
        self.perAddress = perAddress
        self.overall = overall
        self.addressLimit = addressLimit
        everybody = Bucket(tokens: overall.capacity, updated: .distantPast)
    }

    /// Whether a greeting for a hello from `address` may go out at `now`; takes a token
    /// from both budgets when it may.
    mutating func allows(address: String, at now: Date) -> Bool {
        var mine = addresses[address] ?? Bucket(tokens: perAddress.capacity, updated: now)
        Self.refill(&mine, budget: perAddress, at: now)
        Self.refill(&everybody, budget: overall, at: now)
        guard mine.tokens >= 1, everybody.tokens >= 1 else {
            addresses[address] = mine
            return false
        }
        mine.tokens -= 1
        everybody.tokens -= 1
        if addresses.count >= addressLimit, addresses[address] == nil {
            addresses = addresses.filter { $0.value.tokens < perAddress.capacity - 1 }
        }
        addresses[address] = mine
        return true
    }

    private static func refill(_ bucket: inout Bucket, budget: Budget, at now: Date) {
        let elapsed = max(0, now.timeIntervalSince(bucket.updated))
        bucket.tokens = min(budget.capacity, bucket.tokens + elapsed * budget.perSecond)
        bucket.updated = now
    }
}
