#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The process's soft limit on open file descriptors (`ulimit -n`, `LimitNOFILE=`).
enum OpenFileLimit {
    /// The soft limit; `nil` when unlimited (`RLIM_INFINITY`, all ones) or unknown.
    static func current() -> Int? {
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = Int32(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limit.rlim_cur)
    }
}
