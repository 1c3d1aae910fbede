#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// Decodes a JSON payload, turning Foundation's decoding errors into ``PayloadError``s
/// that name the field.
func decodePayload<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>) throws(PayloadError) -> T {
    guard String(validating: bytes, as: UTF8.self) != nil else { throw .notUTF8 }
    do {
        return try JSONDecoder().decode(T.self, from: Data(bytes))
    } catch let error as PayloadError {
        throw error
    } catch let error as DecodingError {
        throw PayloadError(error)
    } catch {
        throw .notJSON(reason: "\(error)")
    }
}

/// Encodes a payload as compact JSON with sorted keys, so the bytes are reproducible.
func encodePayload(_ value: some Encodable) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // Encoding these plain structs of strings and integers cannot fail.
    return (try? Array(encoder.encode(value))) ?? []
}

extension PayloadError {
    init(_ error: DecodingError) {
        func field(_ path: [any CodingKey], _ key: (any CodingKey)? = nil) -> String {
            let keys = (path + (key.map { [$0] } ?? [])).map(\.stringValue)
            return keys.isEmpty ? "(payload)" : keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            self = .missingField(field(context.codingPath, key))
        case .valueNotFound(let type, let context):
            self = .wrongType(field: field(context.codingPath), expected: Self.jsonTypeName(type), found: "null")
        case .typeMismatch(let type, let context):
            self = .wrongType(field: field(context.codingPath), expected: Self.jsonTypeName(type), found: nil)
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                self = .notJSON(reason: context.debugDescription)
            } else {
                self = .invalidField(field: field(context.codingPath), reason: context.debugDescription)
            }
        @unknown default:
            self = .notJSON(reason: "\(error)")
        }
    }

    private static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Double.Type, is Int.Type, is Int64.Type: "a number"
        case is Bool.Type: "a boolean"
        default: "an object"
        }
    }
}
