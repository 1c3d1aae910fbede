internal import CompressNIO
internal import NIOCore

/// Gzip for response bodies: whether the client accepts it, and the compression itself.
enum Gzip {
    /// Bodies smaller than this are sent as they are: gzip would not pay for its header.
    static let minimumSize = 512

    /// Whether an `Accept-Encoding` value allows gzip (`gzip`, `x-gzip` or `*`, with a
    /// non-zero `q`).
    static func isAccepted(by acceptEncoding: String?) -> Bool {
        guard let acceptEncoding else { return false }
        for item in acceptEncoding.split(separator: ",") {
            let parts = item.split(separator: ";")
            guard let coding = parts.first?.trimmingASCIIWhitespace().lowercased(),
                  coding == "gzip" || coding == "x-gzip" || coding == "*"
            else { continue }
            let q = parts.dropFirst().first { $0.trimmingASCIIWhitespace().hasPrefix("q=") }
            if let q, let value = Double(q.trimmingASCIIWhitespace().dropFirst(2)), value == 0 { continue }
            return true
        }
        return false
    }

    /// The gzip-compressed form of `buffer`, or `nil` when compression failed.
    static func compress(_ buffer: ByteBuffer) -> ByteBuffer? {
        var input = buffer
        return try? input.compress(with: .gzip())
    }
}
