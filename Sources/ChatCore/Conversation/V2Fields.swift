/// Reading the fields every v2 event shares, with an error that names the field.
extension JSONFields {
    /// A required string field.
    func requiredString(_ key: String) throws(PayloadError) -> String {
        try string(key, required: true) ?? ""
    }

    /// A required `author`, checked by the nickname rule.
    func author(_ key: String = "author") throws(PayloadError) -> Nickname {
        let raw = try requiredString(key)
        do {
            return try Nickname(raw)
        } catch {
            throw .invalidField(field: key, reason: error.description)
        }
    }

    /// A required event id (`id`, `target`).
    func eventID(_ key: String) throws(PayloadError) -> EventID {
        try EventID(requiredString(key), field: key)
    }

    /// A required `ts`: milliseconds since 1970.
    func timestamp(_ key: String = "ts") throws(PayloadError) -> Int64 {
        guard let value = try number(key) else { throw .missingField(key) }
        guard value.isFinite, value >= 0, value < 9.0e15 else {
            throw .invalidField(field: key, reason: "must be milliseconds since 1970")
        }
        return Int64(value)
    }

    /// A required boolean.
    func bool(_ key: String) throws(PayloadError) -> Bool {
        switch self[key] {
        case .bool(let value): return value
        case nil: throw .missingField(key)
        case let other?: throw .wrongType(field: key, expected: "true or false", found: other.typeName)
        }
    }
}

/// The text checks of the events that carry text.
enum EventText {
    /// The text, checked as a message's text is (see ``NewTextPayload``): its length, and
    /// no NUL.
    static func check(_ text: String, limits: PayloadLimits) throws(PayloadError) {
        try checkLength(text, limits: limits)
        guard !text.unicodeScalars.contains("\u{0}") else {
            throw .invalidField(field: "text", reason: "contains the NUL character (U+0000)")
        }
    }

    /// The length rules of every text: at most `maximumTextBytes` of UTF-8, and at most
    /// `maximumEscapedTextBytes` once written as JSON.
    static func checkLength(_ text: String, limits: PayloadLimits) throws(PayloadError) {
        let bytes = text.utf8.count
        guard bytes <= limits.maximumTextBytes else {
            throw .invalidField(field: "text", reason: "the text is too long: \(bytes) bytes, at most \(limits.maximumTextBytes)")
        }
        let escapedBytes = text.jsonEscapedByteCount
        guard escapedBytes <= limits.maximumEscapedTextBytes else {
            throw .invalidField(
                field: "text",
                reason: "the text is too long once written as JSON: \(escapedBytes) bytes (control characters take six), "
                    + "at most \(limits.maximumEscapedTextBytes)")
        }
    }
}
