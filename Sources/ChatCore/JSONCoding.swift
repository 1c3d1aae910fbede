#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// Reads a payload of at most `limit` bytes: its top-level fields with ``JSONFields``, after
/// checking it is UTF-8.
func payloadFields(_ bytes: some Collection<UInt8>, limit: Int) throws(PayloadError) -> JSONFields {
    guard bytes.count <= limit else { throw .tooLarge(bytes: bytes.count, limit: limit) }
    return try payloadFields(bytes)
}

/// Reads a payload's top-level fields with ``JSONFields`` after checking it is UTF-8.
func payloadFields(_ bytes: some Collection<UInt8>) throws(PayloadError) -> JSONFields {
    let result = bytes.withContiguousStorageIfAvailable { buffer in
        Result { () throws(PayloadError) -> JSONFields in try fields(of: buffer) }
    } ?? Array(bytes).withUnsafeBufferPointer { buffer in
        Result { () throws(PayloadError) -> JSONFields in try fields(of: buffer) }
    }
    return try result.get()
}

private func fields(of buffer: UnsafeBufferPointer<UInt8>) throws(PayloadError) -> JSONFields {
    guard String(validating: buffer, as: UTF8.self) != nil else { throw .notUTF8 }
    return try JSONFields(parsing: buffer)
}

extension JSONFields {
    /// A string field; `nil` when absent or null (if `required`, absent or null is an error).
    func string(_ key: String, required: Bool) throws(PayloadError) -> String? {
        switch self[key] {
        case .string(let value): return value
        case nil where required: throw .missingField(key)
        case .null where required: throw .wrongType(field: key, expected: "a string", found: "null")
        case nil, .null: return nil
        case let other?: throw .wrongType(field: key, expected: "a string", found: other.typeName)
        }
    }

    /// An optional number field; `nil` when absent or null.
    func number(_ key: String) throws(PayloadError) -> Double? {
        switch self[key] {
        case .number(let value): return value
        case nil, .null: return nil
        case let other?: throw .wrongType(field: key, expected: "a number", found: other.typeName)
        }
    }
}

/// Encodes a payload as compact JSON with sorted keys, so the bytes are reproducible.
func encodePayload(_ value: some Encodable) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // Encoding these plain structs of strings and integers cannot fail.
    return (try? Array(encoder.encode(value))) ?? []
}
