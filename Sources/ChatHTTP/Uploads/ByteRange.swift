/// A `Range: bytes=…` request header, for one range (what browsers and media players ask;
/// a list of several ranges is answered with the whole file, as RFC 9110 allows).
enum ByteRange: Equatable {
    /// No usable `Range` header: send the whole file (200).
    case whole
    /// Send these bytes (206 with `Content-Range`).
    case part(ClosedRange<Int64>)
    /// The range lies past the file's end (416 with `Content-Range: bytes */<size>`).
    case unsatisfiable

    /// Reads `header` (the `Range` value, or `nil`) for a file of `size` bytes.
    init(header: String?, size: Int64) {
        guard let header, header.hasPrefix("bytes=") else { self = .whole; return }
        let spec = header.dropFirst("bytes=".count).trimmingASCIIWhitespace()
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { self = .whole; return }
        let first = spec[..<dash].trimmingASCIIWhitespace()
        let last = spec[spec.index(after: dash)...].trimmingASCIIWhitespace()
        if first.isEmpty {
            // bytes=-N: the last N bytes.
            guard let count = Int64(last), count >= 0 else { self = .whole; return }
            guard count > 0, size > 0 else { self = .unsatisfiable; return }
            self = .part(max(0, size - count)...(size - 1))
            return
        }
        guard let start = Int64(first), start >= 0 else { self = .whole; return }
        let end: Int64
        if last.isEmpty {
            end = size - 1
        } else {
            guard let given = Int64(last), given >= start else { self = .whole; return }
            end = min(given, size - 1)
        }
        guard start < size else { self = .unsatisfiable; return }
        self = .part(start...end)
    }
}
