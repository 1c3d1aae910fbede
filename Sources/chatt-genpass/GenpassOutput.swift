import ChatCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The three output formats of chatt-genpass.
struct GenpassOutput {
    var json: Bool
    var env: Bool

    func render(_ pair: any PassphraseCredentials) -> String {
        if json {
            return "{\"login\": \"\(pair.login)\", \"password\": \"\(pair.password)\"}\n"
        }
        if env {
            return "USER=\(pair.login)\nPASS=\(pair.password)\n"
        }
        return "Login & pass:\n\(pair.login)\n\(pair.password)\n"
    }
}

/// Reads all of standard input and removes one trailing newline (`\n` or `\r\n`).
func readStandardInput() -> String {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = read(0, &buffer, buffer.count)
        if count <= 0 { break }
        bytes.append(contentsOf: buffer[0..<count])
    }
    if bytes.last == 0x0A { bytes.removeLast() }
    if bytes.last == 0x0D { bytes.removeLast() }
    return String(decoding: bytes, as: UTF8.self)
}

enum FileHandleStderr {
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer in
            _ = Glibc.write(2, buffer.baseAddress, buffer.count)
        }
    }
}
