import ChatCore
import ChatMemorize
import ChatTestSupport
import Foundation
import Testing

/// A long random-input test of everything that reads outside input: topics, the three
/// payloads and the stdin line parser. Short in the test command; set
/// `CHATT_FUZZ_ITERATIONS` (e.g. 5000000) to run it longer by hand.
@Suite("Parsing under random input")
struct ParsingFuzzTests {
    static let seeds: [String] = [
        #"rooms/main/newtext {"author":"ann","text":"hello","id":"m1","ts":1700000000000}"#,
        #"rooms/dev-2/newtext {"author":"Zoë","text":"<img src=x onerror=alert(1)> :img:(http://x/y.png) :)"}"#,
        #"users/ann/hello {"ipAddress":"192.0.2.1"}"#,
        "users/ann/logout {}", "users/bob/logout", "rooms/r/new",
        #"rooms/main/newtext {"author":"a","text":"\u0000\ud83d\ude00\"","ts":1.5e12,"extra":[1,{"a":null}]}"#,
    ]

    static let interesting: [[UInt8]] = [
        [0x00], [0xFF], [0xC3], [0xED, 0xA0, 0x80], Array("/".utf8), Array("#".utf8), Array("+".utf8),
        Array("\"".utf8), Array("\\".utf8), Array("{".utf8), Array("}".utf8), Array("\\u0000".utf8),
        Array("\\ud800".utf8), Array("1e999".utf8), Array("-0".utf8), Array("null".utf8), Array(" ".utf8),
        Array("\r".utf8), Array("é".utf8), Array("😀".utf8), Array(String(repeating: "9", count: 400).utf8),
    ]

    static func mutate(_ input: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0...Int.random(in: 0...4, using: &random) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0 where position < bytes.count: bytes[position] = UInt8.random(in: 0...255, using: &random)
            case 1: bytes.insert(contentsOf: interesting.randomElement(using: &random) ?? [], at: position)
            case 2 where position < bytes.count: bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...8, using: &random)))
            case 3: bytes = Array(bytes.prefix(position))
            default: bytes.insert(UInt8.random(in: 0x20...0x7E, using: &random), at: position)
            }
        }
        return bytes
    }

    @Test("no input crashes or hangs the parsers; what parses round trips")
    func randomInput() throws {
        let iterations = ProcessInfo.processInfo.environment["CHATT_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 20_000
        var random = SeededGenerator(seed: 0xC4A7_7000)
        let seeds = Self.seeds.map { Array($0.utf8) }
        for iteration in 0..<iterations {
            let input = Self.mutate(seeds[iteration % seeds.count], using: &random)
            guard let item = try? InputLine.parse(input, receivedAt: 0) else { continue }
            guard let topic = try? Topic(parsing: item.topic) else { continue }
            #expect(topic.description == item.topic, "iteration \(iteration)")
            switch topic {
            case .roomText:
                if let payload = try? NewTextPayload(decoding: item.payload) {
                    #expect(try NewTextPayload(decoding: payload.jsonBytes) == payload, "iteration \(iteration)")
                }
            case .hello:
                if let hello = try? HelloPayload(decoding: item.payload) {
                    #expect(try HelloPayload(decoding: hello.jsonBytes) == hello, "iteration \(iteration)")
                }
            case .logout:
                _ = try? LogoutPayload(decoding: item.payload)
            case .roomCreated:
                break
            case .roomEdit, .roomDelete, .roomReact, .roomTyping, .roomTopic, .roomArchive, .presence, .key, .direct:
                // Whatever parses, the event's topic is the topic it came on.
                if let event = try? ChatEvent(topic: item.topic, payload: item.payload) {
                    #expect(event.topic == topic, "iteration \(iteration)")
                }
            }
        }
    }
}
