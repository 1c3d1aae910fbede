import ChatCore
import ChatTestSupport
import Foundation
import Testing

/// ChatCore reads payloads with its own strict JSON reader (for speed); Foundation's
/// `JSONDecoder`, through the same type's `Codable` conformance, is the reference.
/// `JSONDecoder` is lenient where RFC 8259 is not (trailing commas, `-.5`, `01`, lone
/// surrogates in fields it never reads); ours refuses those. So: whatever ours accepts,
/// the reference accepts with the same value, and whatever the reference refuses, ours
/// refuses.
@Suite("Payload JSON reader against JSONDecoder")
struct JSONDifferentialTests {
    static let seeds = [
        #"{"author":"ann","text":"hello","id":"m1","ts":1700000000000}"#,
        #" { "author" : "Zoë" , "text" : "a \"q\" \\ \/ \b\f\n\r\t \u00e9 \ud83d\ude00" , "x" : [1, {"y": [null, true, false, -0.5e-3]}] } "#,
        #"{"author":"a","text":"","ts":null,"id":null}"#,
        #"{"author":"a","text":"x","ts":1.5,"nested":{"a":{"b":{"c":[]}}}}"#,
        #"{"text":"no author"}"#, #"{"author":"a","text":5}"#, #"[]"#, #"{}"#,
    ]

    static let pieces = [
        "\"", "\\", "\\u", "\\ud800", "\\udc00", "\\u12", "{", "}", "[", "]", ",", ":", " ", "\t", "\n",
        "0", "-", "01", "1e", "1e999", ".5", "true", "fals", "null", "nul", "\u{0}", "\u{1F}", "é", "😀",
        #""author""#, #""text""#, #""ts""#, #""id""#, "1700000000000", #""""#,
    ]

    @Test("valid payloads read the same by both")
    func seeds() throws {
        for seed in Self.seeds.prefix(4) {
            let reference = try JSONDecoder().decode(NewTextPayload.self, from: Data(seed.utf8))
            #expect(try NewTextPayload(decoding: Array(seed.utf8)) == reference, "\(seed)")
        }
    }

    @Test("accepts only what JSONDecoder accepts, with the same values; refuses what it refuses")
    func differential() throws {
        var generator = SeededGenerator(seed: 20_261_125)
        var compared = 0
        for iteration in 0..<20_000 {
            var text = Array(Self.seeds[iteration % Self.seeds.count])
            for _ in 0...Int.random(in: 0...3, using: &generator) {
                let position = Int.random(in: 0...text.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: text.insert(contentsOf: Self.pieces.randomElement(using: &generator) ?? "", at: position)
                case 1 where position < text.count: text.remove(at: position)
                default: text = Array(text.prefix(position)) + Array(text.dropFirst(position + 1))
                }
            }
            let bytes = Array(String(text).utf8)
            let reference = try? JSONDecoder().decode(NewTextPayload.self, from: Data(bytes))
            let ours = try? NewTextPayload(decoding: bytes)
            if let reference, reference.id == "" {
                #expect(ours == nil, "empty id must be refused: \(String(text).debugDescription)")
                continue
            }
            if hasDuplicateKeys(bytes) { continue }
            if let ours {
                #expect(ours == reference, "\(String(text).debugDescription)")
            }
            if reference == nil {
                #expect(ours == nil, "\(String(text).debugDescription)")
            }
            compared += 1
        }
        #expect(compared > 10_000)
    }

    /// Duplicate keys are left to each reader; skip such inputs.
    func hasDuplicateKeys(_ bytes: [UInt8]) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return false }
        var keys = 0
        for key in ["author", "text", "id", "ts"] {
            keys += String(decoding: bytes, as: UTF8.self).components(separatedBy: "\"\(key)\"").count - 1
        }
        return keys > object.keys.filter { ["author", "text", "id", "ts"].contains($0) }.count
    }
}
