/// What the header of a PNG, JPEG, GIF or WebP file says: its format and its size in
/// pixels, so that the page can keep the room for a picture before it loads.
///
/// A small parser of the first bytes only (give it the file's first few hundred
/// kilobytes); it never decodes pixels and never trusts a length past the bytes it has.
public struct ImageInfo: Sendable, Hashable {
    /// The format, from the magic bytes.
    public var format: ImageFormat
    /// The width in pixels, when the header says it.
    public var width: Int?
    /// The height in pixels, when the header says it.
    public var height: Int?

    /// Creates the description.
    public init(format: ImageFormat, width: Int?, height: Int?) {
        self.format = format
        self.width = width
        self.height = height
    }

    /// The format and size that `bytes` (a file's beginning) show, or `nil` when they are
    /// not one of the four formats. The size is `nil` when the header is cut short, damaged
    /// or says 0.
    public init?(header bytes: some Collection<UInt8>) {
        let data = Array(bytes)
        guard let format = ImageFormat(magic: data) else { return nil }
        let size: (Int, Int)? = switch format {
        case .png: Self.pngSize(data)
        case .gif: Self.gifSize(data)
        case .jpeg: Self.jpegSize(data)
        case .webp: Self.webpSize(data)
        }
        if let size, size.0 > 0, size.1 > 0 {
            self.init(format: format, width: size.0, height: size.1)
        } else {
            self.init(format: format, width: nil, height: nil)
        }
    }

    // PNG: the first chunk is IHDR: width and height, 4 bytes big-endian each, at 16 and 20.
    private static func pngSize(_ d: [UInt8]) -> (Int, Int)? {
        guard d.count >= 24, Array(d[12..<16]) == Array("IHDR".utf8) else { return nil }
        return (bigEndian(d, 16, 4), bigEndian(d, 20, 4))
    }

    // GIF: the logical screen size, 2 bytes little-endian each, at 6 and 8.
    private static func gifSize(_ d: [UInt8]) -> (Int, Int)? {
        guard d.count >= 10 else { return nil }
        return (littleEndian(d, 6, 2), littleEndian(d, 8, 2))
    }

    // JPEG: walk the segments to the first start-of-frame (SOF0–SOF15 but DHT, JPG and DAC),
    // whose height and width are 2 bytes big-endian after the precision byte.
    private static func jpegSize(_ d: [UInt8]) -> (Int, Int)? {
        var i = 2
        while i + 4 <= d.count {
            guard d[i] == 0xFF else { return nil }
            let marker = d[i + 1]
            if marker == 0xFF { i += 1; continue }  // fill bytes
            // Markers without a length: TEM, RSTn, SOI.
            if marker == 0x01 || (0xD0...0xD8).contains(marker) { i += 2; continue }
            if marker == 0xD9 || marker == 0xDA { return nil }  // EOI, or the scan before any frame
            let length = bigEndian(d, i + 2, 2)
            guard length >= 2 else { return nil }
            if (0xC0...0xCF).contains(marker), marker != 0xC4, marker != 0xC8, marker != 0xCC {
                guard i + 9 <= d.count else { return nil }
                return (bigEndian(d, i + 7, 2), bigEndian(d, i + 5, 2))
            }
            i += 2 + length
        }
        return nil
    }

    // WebP: RIFF, size, WEBP, then the first chunk: VP8 (lossy), VP8L (lossless) or VP8X
    // (extended, with the canvas size).
    private static func webpSize(_ d: [UInt8]) -> (Int, Int)? {
        guard d.count >= 30 else { return nil }
        let chunk = String(decoding: d[12..<16], as: UTF8.self)
        switch chunk {
        case "VP8 ":
            // Frame tag (3 bytes), start code 9D 01 2A, then 14-bit width and height.
            guard d[23] == 0x9D, d[24] == 0x01, d[25] == 0x2A else { return nil }
            return (littleEndian(d, 26, 2) & 0x3FFF, littleEndian(d, 28, 2) & 0x3FFF)
        case "VP8L":
            // Signature 0x2F, then 14 bits width-1 and 14 bits height-1, little-endian.
            guard d[20] == 0x2F else { return nil }
            let bits = littleEndian(d, 21, 4)
            return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        case "VP8X":
            // Flags (4 bytes), then canvas width-1 and height-1, 3 bytes little-endian each.
            return (littleEndian(d, 24, 3) + 1, littleEndian(d, 27, 3) + 1)
        default:
            return nil
        }
    }

    private static func bigEndian(_ d: [UInt8], _ at: Int, _ count: Int) -> Int {
        d[at..<(at + count)].reduce(0) { $0 << 8 | Int($1) }
    }

    private static func littleEndian(_ d: [UInt8], _ at: Int, _ count: Int) -> Int {
        d[at..<(at + count)].reversed().reduce(0) { $0 << 8 | Int($1) }
    }
}
