/// The uploaded files a message's text refers to: the SHA-256 of every
/// `/data/files/<sha256>/…` in it (in `:img:(…)` or a plain link, relative or absolute).
enum FileReferences {
    static let marker = Array("/data/files/".utf8)

    /// Adds the hashes `text` names to `hashes`.
    static func collect(from text: String, into hashes: inout Set<String>) {
        let bytes = Array(text.utf8)
        guard bytes.count >= marker.count + 64 else { return }
        var index = 0
        while index + marker.count + 64 <= bytes.count {
            guard bytes[index] == marker[0], bytes[index..<(index + marker.count)].elementsEqual(marker) else {
                index += 1
                continue
            }
            let start = index + marker.count
            let hash = bytes[start..<(start + 64)]
            if hash.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) {
                hashes.insert(String(decoding: hash, as: UTF8.self))
            }
            index = start
        }
    }
}
