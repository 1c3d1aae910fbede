/// Checks `condition` every `interval` until it holds; throws if `timeout` passes first.
/// For waiting on things outside Swift (a port, a process, a file), never for a guess.
public func waitUntil(
    _ what: @autoclosure () -> String,
    timeout: Duration = .seconds(60),
    interval: Duration = .milliseconds(10),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            throw TestSupportError("timed out after \(timeout) waiting for \(what())")
        }
        try await Task.sleep(for: interval)
    }
}
