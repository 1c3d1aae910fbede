/// The MQTT login and password that a passphrase stands for, derived by the "legacy"
/// scheme that the original ChaTT shipped.
///
/// The derivation is a compatibility contract: browsers, `chatt-genpass` and existing
/// mosquitto password files all depend on it producing exactly the original's strings.
/// It is not a password hash — it only turns a shared passphrase into a pair that
/// mosquitto's `password_file` and the HTTP server can check.
///
/// ```swift
/// let pair = try LegacyCredentials(passphrase: "foobar")
/// print(pair.login)     // R3ZXKboT3M5VqPxOQclSB1SPAM3TVS5lqq33YTyi6iN26SRtboiRAzV4TbGP6ha4CI
/// ```
public struct LegacyCredentials: Sendable, Hashable {
    /// The MQTT user name (and HTTP Basic user).
    public let login: String
    /// The MQTT password (and HTTP Basic password).
    public let password: String

    /// Derives the pair from `passphrase`, read as UTF-16 code units.
    ///
    /// - Throws: ``PassphraseTooLongError`` where the original never returns: when the
    ///   decimal digits of the code units, read as a double, overflow to infinity.
    public init(passphrase: String) throws(PassphraseTooLongError) {
        let seed = try Self.seed(of: passphrase)
        var first = ParkMillerGenerator(seed: seed)
        var second = ParkMillerGenerator(seed: first.next())
        var digits: [UInt8] = []
        digits.reserveCapacity(30 * 10)
        for _ in 0..<30 {
            digits.append(contentsOf: String(Int(second.next())).utf8)
        }
        let characters = Self.characters(fromDigits: digits)
        var split = characters.count / 2
        while split < characters.count, characters[split] < 60 {
            split += 1
        }
        self.login = String(decoding: characters[..<split], as: UTF8.self)
        self.password = String(decoding: characters[split...], as: UTF8.self)
    }

    /// Step 1: the decimal digits of every UTF-16 code unit, joined and read as a double.
    static func seed(of passphrase: String) throws(PassphraseTooLongError) -> Double {
        var digits = ""
        for unit in passphrase.utf16 {
            digits += String(unit)
        }
        if digits.isEmpty { return 0 }
        guard let value = Double(digits), value.isFinite else {
            throw PassphraseTooLongError(significantDigits: Self.significantDigitCount(digits))
        }
        return value
    }

    private static func significantDigitCount(_ digits: String) -> Int {
        digits.drop(while: { $0 == "0" }).count
    }

    /// Steps 4 and 5: cuts the digit string into pieces below 123 and maps each piece to
    /// one ASCII character code.
    static func characters(fromDigits digits: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var position = 0
        while position < digits.count {
            var end = position
            var value = 0
            // Grow the piece while what was read so far is below 123.
            while end < digits.count, value < 123 {
                value = value * 10 + Int(digits[end] - UInt8(ascii: "0"))
                end += 1
            }
            if end < digits.count {
                // The last digit made the piece 123 or more: the piece stops before it.
                value /= 10
                end -= 1
            }
            // Otherwise growing reached the end: the rest is the last piece, whatever its value.
            result.append(mapPiece(value))
            position = end
        }
        return result
    }

    /// Step 5: the three rules, each applied to the result of the one before.
    static func mapPiece(_ piece: Int) -> UInt8 {
        var v = piece
        if v < 65 { v = 65 + v % 62 }
        if v > 90, v < 97 { v = 48 + (v - 90) }
        if v > 122 { v = 48 + v % 10 }
        return UInt8(v)
    }
}

/// The passphrase is too long for the legacy derivation: the original implementation
/// never finishes on it.
public struct PassphraseTooLongError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The number of significant decimal digits the passphrase's code units make.
    public let significantDigits: Int

    /// The most significant digits a passphrase may make; at exactly 309 it depends on the value.
    public static let digitLimit = 308

    public var description: String {
        "the passphrase is too long: the original derivation never finishes past "
            + "\(Self.digitLimit) digits (this one has \(significantDigits)); use a shorter passphrase"
    }
}

/// The Park–Miller "minimal standard" generator, in doubles as the original computed it.
struct ParkMillerGenerator {
    private static let modulus = 2_147_483_647.0
    private var state: Double

    init(seed: Double) {
        state = seed.truncatingRemainder(dividingBy: Self.modulus)
        if state <= 0 { state += 2_147_483_646 }
    }

    mutating func next() -> Double {
        state = (state * 16807).truncatingRemainder(dividingBy: Self.modulus)
        return state
    }
}
