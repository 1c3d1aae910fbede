import Logging

/// Counts skipped input by reason and logs it at `warning`, rate-limited: the first few of
/// each reason, then one line for every thousand, so a flood of bad input cannot flood the log.
struct SkipLog {
    private(set) var counts: [String: Int] = [:]
    private(set) var total = 0
    let logger: Logger
    let firstLogged = 5

    init(logger: Logger) {
        self.logger = logger
    }

    mutating func skip(reason: String, kind: String, detail: Logger.Metadata = [:]) {
        total += 1
        let count = (counts[kind] ?? 0) + 1
        counts[kind] = count
        if count <= firstLogged || count % 1_000 == 0 {
            var metadata = detail
            metadata["reason"] = "\(reason)"
            metadata["skipped"] = "\(count)"
            logger.warning("skipped input", metadata: metadata)
        }
    }
}
