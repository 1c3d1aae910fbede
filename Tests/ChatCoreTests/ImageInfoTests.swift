import ChatCore
import Foundation
import Testing

/// The magic bytes and picture sizes of uploads (issue 19): headers built byte by byte,
/// as each format's specification lays them out, and the page's own PNG icon.
@Suite("ImageInfo: format and size from a file's first bytes")
struct ImageInfoTests {
    static func png(width: UInt32, height: UInt32) -> [UInt8] {
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
            + bigEndian(width, 4) + bigEndian(height, 4) + [8, 6, 0, 0, 0]
    }

    static func gif(width: UInt16, height: UInt16) -> [UInt8] {
        Array("GIF89a".utf8) + [UInt8(width & 0xFF), UInt8(width >> 8), UInt8(height & 0xFF), UInt8(height >> 8), 0xF7, 0, 0]
    }

    /// SOI, an APP1 (EXIF) segment of `exifBytes`, a DQT, then the frame header `sof`.
    static func jpeg(width: UInt16, height: UInt16, sof: UInt8 = 0xC0, exifBytes: Int = 200) -> [UInt8] {
        var bytes: [UInt8] = [0xFF, 0xD8]
        bytes += [0xFF, 0xE1] + bigEndian(UInt32(exifBytes + 2), 2) + Array("Exif\0\0".utf8)
            + [UInt8](repeating: 0x4D, count: exifBytes - 6)
        bytes += [0xFF, 0xDB, 0x00, 0x43, 0x00] + [UInt8](repeating: 1, count: 64)
        bytes += [0xFF, sof, 0x00, 0x11, 0x08] + bigEndian(UInt32(height), 2) + bigEndian(UInt32(width), 2) + [3, 1, 0x22, 0]
        return bytes + [0xFF, 0xDA, 0x00, 0x08]
    }

    static func webp(chunk: String, payload: [UInt8]) -> [UInt8] {
        Array("RIFF".utf8) + [0x40, 0, 0, 0] + Array("WEBP".utf8) + Array(chunk.utf8) + [UInt8(payload.count), 0, 0, 0] + payload
    }

    static func bigEndian(_ value: UInt32, _ count: Int) -> [UInt8] {
        (0..<count).reversed().map { UInt8((value >> (8 * UInt32($0))) & 0xFF) }
    }

    @Test func pngFromItsIHDR() {
        #expect(ImageInfo(header: Self.png(width: 640, height: 480)) == ImageInfo(format: .png, width: 640, height: 480))
    }

    @Test func thePagesOwnIcon() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("web/static/img/icon-192.png")
        let info = try #require(ImageInfo(header: Array(try Data(contentsOf: url))))
        #expect(info == ImageInfo(format: .png, width: 192, height: 192))
    }

    @Test func gifFromItsScreenDescriptor() {
        #expect(ImageInfo(header: Self.gif(width: 300, height: 2)) == ImageInfo(format: .gif, width: 300, height: 2))
    }

    @Test("JPEG: the frame header after an EXIF block, baseline or progressive",
          arguments: [UInt8(0xC0), 0xC1, 0xC2])
    func jpegPastItsExif(sof: UInt8) {
        let bytes = Self.jpeg(width: 4032, height: 3024, sof: sof, exifBytes: 60_000)
        #expect(ImageInfo(header: bytes) == ImageInfo(format: .jpeg, width: 4032, height: 3024))
    }

    @Test("WebP: lossy (VP8), lossless (VP8L) and extended (VP8X)")
    func webp() {
        let lossy = Self.webp(chunk: "VP8 ", payload: [0x30, 0x01, 0x00, 0x9D, 0x01, 0x2A, 0x20, 0x03, 0x58, 0x02] + [UInt8](repeating: 0, count: 10))
        #expect(ImageInfo(header: lossy) == ImageInfo(format: .webp, width: 800, height: 600))
        // 14 bits width-1 = 99, then 14 bits height-1 = 49: (49 << 14) | 99.
        let bits: UInt32 = (49 << 14) | 99
        let lossless = Self.webp(chunk: "VP8L", payload: [0x2F, UInt8(bits & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8((bits >> 16) & 0xFF), UInt8(bits >> 24)] + [UInt8](repeating: 0, count: 10))
        #expect(ImageInfo(header: lossless) == ImageInfo(format: .webp, width: 100, height: 50))
        // Canvas 1920×1080: width-1 = 1919 = 0x00077F, height-1 = 1079 = 0x000437.
        let extended = Self.webp(chunk: "VP8X", payload: [0x10, 0, 0, 0, 0x7F, 0x07, 0x00, 0x37, 0x04, 0x00])
        #expect(ImageInfo(header: extended) == ImageInfo(format: .webp, width: 1920, height: 1080))
    }

    @Test("cut short or damaged: the format without a size, never a crash")
    func truncated() {
        let png = Self.png(width: 10, height: 10)
        for length in 8..<png.count {
            #expect(ImageInfo(header: png.prefix(length))?.format == .png)
        }
        #expect(ImageInfo(header: png.prefix(20))?.width == nil)
        let jpeg = Self.jpeg(width: 10, height: 10)
        for length in 3..<jpeg.count {
            let info = ImageInfo(header: jpeg.prefix(length))
            #expect(info?.format == .jpeg)
            #expect(info?.width == nil || info?.width == 10)
        }
        // A segment length pointing past the end, and a scan before any frame header.
        #expect(ImageInfo(header: [0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 0x00]) == ImageInfo(format: .jpeg, width: nil, height: nil))
        #expect(ImageInfo(header: [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08, 0, 0, 0, 0]) == ImageInfo(format: .jpeg, width: nil, height: nil))
        #expect(ImageInfo(header: Self.png(width: 0, height: 5)) == ImageInfo(format: .png, width: nil, height: nil))
    }

    @Test("not one of the four: SVG, HTML, text, nothing", arguments: [
        "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>", "<!doctype html><script>alert(1)</script>", "GIF8", "RIFF....WAVE", "",
    ])
    func notAPicture(text: String) {
        #expect(ImageInfo(header: Array(text.utf8)) == nil)
        #expect(ImageFormat(magic: Array(text.utf8)) == nil)
    }

    @Test func claimedFormats() {
        #expect(ImageFormat(mediaType: "image/PNG") == .png)
        #expect(ImageFormat(mediaType: "image/jpeg; charset=binary") == .jpeg)
        #expect(ImageFormat(mediaType: "image/jpg") == .jpeg)
        #expect(ImageFormat(mediaType: "image/svg+xml") == nil)
        #expect(ImageFormat(mediaType: "application/octet-stream") == nil)
        #expect(ImageFormat(fileName: "holiday.JPG") == .jpeg)
        #expect(ImageFormat(fileName: "a.b.webp") == .webp)
        #expect(ImageFormat(fileName: "drawing.svg") == nil)
        #expect(ImageFormat(fileName: "README") == nil)
    }
}
