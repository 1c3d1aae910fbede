#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

extension JSONEncoder {
    /// The encoder of every JSON answer (``LastInfoCache`` and the routes' `ResponseEncodable`
    /// values): sorted keys, so that every server behind a load balancer sends the same bytes
    /// (and ETag) for the same history, where a Dictionary's order differs between processes;
    /// slashes unescaped; dates in ISO 8601, as Hummingbird's default.
    static func chattResponses() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}
