import Foundation

/// How long uploaded files are kept (issue 19): what `--files-dir`, `--files-max-age` and
/// `--files-max-bytes` say.
///
/// Whatever the limits, a file that no message refers to any more (its message was
/// deleted, or edited to drop it) goes once it is older than ``grace``: the upload comes
/// before its message, so a young file without a message is a message on its way.
package struct FileRetention: Sendable, Hashable {
    /// The upload directory, the one chatt-server writes (its `--files-dir`).
    package var directory: String
    /// Files older than this go, referred to or not; `nil`: no age limit.
    package var maxAge: Duration?
    /// When the files take more bytes than this, the oldest go until they fit; `nil`: no budget.
    package var maxBytes: Int64?
    /// A file younger than this is never removed for want of a message.
    package var grace: Duration = .seconds(3600)
    /// How often the directory is swept.
    package var interval: Duration = .seconds(600)

    /// Retention for `directory`, without limits.
    package init(directory: String) {
        self.directory = directory
    }

    /// Reads a duration as `--files-max-age` takes it: a number and a unit, `s`, `m`, `h`,
    /// `d` or `w` (`30d`, `12h`), or a number of seconds; `nil` when it is none of these
    /// or not positive.
    package static func duration(parsing text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        var number = Substring(trimmed)
        var unit: Int64 = 1
        if let last = trimmed.last, let seconds = units[last] {
            unit = seconds
            number = number.dropLast()
        }
        guard let value = Int64(number), value > 0, value <= Int64.max / unit / 1000 else { return nil }
        return .seconds(value * unit)
    }
}
