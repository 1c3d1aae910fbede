internal import Hummingbird

/// Why an upload is refused: each a 4xx with a reason the page shows, and nothing stored.
enum UploadError: Error, Equatable, CustomStringConvertible {
    case empty
    case tooLarge(limit: Int)
    case badName(String)
    case typeMismatch(claimed: String, by: String, found: String)

    var description: String {
        switch self {
        case .empty:
            "the file is empty: nothing to upload"
        case .tooLarge(let limit):
            "the file is larger than this chat's limit of \(Self.megabytes(limit)) (files.max_upload_bytes)"
        case .badName(let reason):
            reason
        case .typeMismatch(let claimed, let by, let found):
            "the file claims to be \(claimed) (by its \(by)) but its content is \(found): refused"
        }
    }

    var status: HTTPResponse.Status {
        switch self {
        case .empty, .badName: .badRequest
        case .tooLarge: .contentTooLarge
        case .typeMismatch: .unsupportedMediaType
        }
    }

    var httpError: HTTPError { HTTPError(status, message: description) }

    /// `20 MB`, or bytes when the limit is not a whole number of megabytes.
    static func megabytes(_ bytes: Int) -> String {
        bytes % (1024 * 1024) == 0 ? "\(bytes / (1024 * 1024)) MB" : "\(bytes) bytes"
    }
}
