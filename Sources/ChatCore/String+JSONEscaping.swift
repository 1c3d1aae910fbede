extension String {
    /// How many bytes this string takes inside a JSON string literal, as ChaTT's answers
    /// write it (quotes not counted): `"` and `\` and the short escapes (`\n`, `\t`, …)
    /// take two bytes, other control characters six (`\u0001`), everything else its UTF-8.
    public var jsonEscapedByteCount: Int {
        var count = 0
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x08, 0x09, 0x0A, 0x0C, 0x0D: count += 2
            case 0x00..<0x20: count += 6
            default: count += 1
            }
        }
        return count
    }
}
