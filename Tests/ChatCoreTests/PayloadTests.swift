import ChatCore
import Testing

@Suite("Payloads")
struct PayloadTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("newtext with and without id and ts; unknown fields ignored")
    func newText() throws {
        let plain = try NewTextPayload(decoding: bytes(#"{"author":"ann","text":"hi"}"#))
        #expect(plain == NewTextPayload(author: try Nickname("ann"), text: "hi"))
        let full = try NewTextPayload(decoding: bytes(
            #"{"author":"ann","text":"<b>x</b>","id":"m-1","ts":1700000000123,"color":"red","extra":{"a":[1]}}"#))
        #expect(full.id == "m-1")
        #expect(full.ts == 1_700_000_000_123)
        #expect(full.text == "<b>x</b>")
    }

    @Test("a float ts is accepted as milliseconds")
    func floatTimestamp() throws {
        #expect(try NewTextPayload(decoding: bytes(#"{"author":"a","text":"","ts":1.5e12}"#)).ts == 1_500_000_000_000)
    }

    @Test("errors name the field", arguments: [
        (#"{"text":"hi"}"#, PayloadError.missingField("author")),
        (#"{"author":"ann"}"#, PayloadError.missingField("text")),
        (#"{"author":1,"text":"hi"}"#, PayloadError.wrongType(field: "author", expected: "a string", found: "a number")),
        (#"{"author":"ann","text":null}"#, PayloadError.wrongType(field: "text", expected: "a string", found: "null")),
        (#"{"author":"ann","text":"hi","ts":"now"}"#, PayloadError.wrongType(field: "ts", expected: "a number", found: "a string")),
        (#"{"author":"ann","text":"hi","id":5}"#, PayloadError.wrongType(field: "id", expected: "a string", found: "a number")),
        (#"{"author":["ann"],"text":"hi"}"#, PayloadError.wrongType(field: "author", expected: "a string", found: "an array")),
    ])
    func fieldErrors(json: String, expected: PayloadError) {
        #expect(throws: expected) { try NewTextPayload(decoding: Array(json.utf8)) }
    }

    @Test("refused payloads", arguments: [
        "", "hi", "[]", "null", "{", #"{"author":"a/b","text":"x"}"#, #"{"author":"","text":"x"}"#,
        #"{"author":"a","text":"x","id":""}"#, #"{"author":"a","text":"x","ts":-1}"#,
    ])
    func refused(json: String) {
        #expect(throws: PayloadError.self) { try NewTextPayload(decoding: Array(json.utf8)) }
    }

    @Test("invalid UTF-8 is refused")
    func invalidUTF8() {
        #expect(throws: PayloadError.notUTF8) {
            try NewTextPayload(decoding: [0x7B, 0xFF, 0x7D])
        }
    }

    @Test("text size limit, default and configured")
    func textLimit() throws {
        let limit = PayloadLimits.default.maximumTextBytes
        #expect(limit == 16 * 1024)
        let fits = #"{"author":"a","text":""# + String(repeating: "x", count: limit) + #""}"#
        #expect(throws: Never.self) { try NewTextPayload(decoding: Array(fits.utf8)) }
        let over = #"{"author":"a","text":""# + String(repeating: "x", count: limit + 1) + #""}"#
        do {
            _ = try NewTextPayload(decoding: Array(over.utf8))
            Issue.record("expected too long")
        } catch {
            #expect(error.description.contains("too long"))
            #expect(error.description.contains("16384"))
        }
        let small = PayloadLimits(maximumTextBytes: 4)
        #expect(throws: PayloadError.self) {
            try NewTextPayload(decoding: Array(#"{"author":"a","text":"12345"}"#.utf8), limits: small)
        }
        let huge = [UInt8](repeating: 0x20, count: small.maximumPayloadBytes + 1)
        #expect(throws: PayloadError.tooLarge(bytes: huge.count, limit: small.maximumPayloadBytes)) {
            try NewTextPayload(decoding: huge, limits: small)
        }
    }

    @Test("encoding round trips")
    func encode() throws {
        let payload = NewTextPayload(author: try Nickname("ann"), text: "a \"quote\" / é", id: "x", ts: 5)
        #expect(try NewTextPayload(decoding: payload.jsonBytes) == payload)
        #expect(String(decoding: payload.jsonBytes, as: UTF8.self)
            == #"{"author":"ann","id":"x","text":"a \"quote\" / é","ts":5}"#)
    }

    @Test("hello")
    func hello() throws {
        #expect(try HelloPayload(decoding: Array(#"{"ipAddress":"192.0.2.1","x":1}"#.utf8)).ipAddress == "192.0.2.1")
        #expect(throws: PayloadError.missingField("ipAddress")) { try HelloPayload(decoding: Array("{}".utf8)) }
        #expect(throws: PayloadError.self) { try HelloPayload(decoding: Array(#"{"ipAddress":"a\nb"}"#.utf8)) }
        let hello = HelloPayload(ipAddress: "::1")
        #expect(try HelloPayload(decoding: hello.jsonBytes) == hello)
    }

    @Test("logout: empty or an object")
    func logout() {
        #expect(throws: Never.self) { try LogoutPayload(decoding: [UInt8]()) }
        #expect(throws: Never.self) { try LogoutPayload(decoding: Array("{}".utf8)) }
        #expect(throws: Never.self) { try LogoutPayload(decoding: Array(#"{"reason":"idle"}"#.utf8)) }
        #expect(throws: PayloadError.self) { try LogoutPayload(decoding: Array("bye".utf8)) }
        #expect(LogoutPayload().jsonBytes == Array("{}".utf8))
    }
}
