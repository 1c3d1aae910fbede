internal import CMosquitto
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A joinable OS thread that runs one closure: the network loop, which blocks in
/// `poll` and so must not live on Swift's cooperative pool.
///
/// Joined (not detached) so that shutdown knows the thread is gone when ``join()`` returns.
final class NetworkThread: @unchecked Sendable {
    #if canImport(Darwin)
    private var thread: pthread_t?
    #else
    private var thread = pthread_t()
    #endif
    private var joined = false

    private final class Start {
        let name: String
        let body: @Sendable () -> Void
        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }

    /// Starts the thread; `name` (15 bytes at most on Linux) shows in `/proc/self/task/*/comm`.
    init(name: String, body: @escaping @Sendable () -> Void) throws(MQTTError) {
        let start = Unmanaged.passRetained(Start(name: name, body: body)).toOpaque()
        let code = pthread_create(&thread, nil, { argument in
            guard let argument else { return nil }
            let start = Unmanaged<Start>.fromOpaque(argument).takeRetainedValue()
            chatt_name_current_thread(start.name)
            start.body()
            return nil
        }, start)
        guard code == 0 else {
            Unmanaged<Start>.fromOpaque(start).release()
            joined = true
            throw MQTTError(kind: .library, message: "cannot start the MQTT network thread: error \(code)")
        }
    }

    /// Waits for the closure to return and the thread to end. Call once, never from the thread itself.
    func join() {
        guard !joined else { return }
        joined = true
        #if canImport(Darwin)
        if let thread { pthread_join(thread, nil) }
        #else
        pthread_join(thread, nil)
        #endif
    }
}
