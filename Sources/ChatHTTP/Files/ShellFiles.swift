internal import NIOCore
internal import NIOPosix
internal import Foundation

/// The page's shell as the service worker caches it: `index.html` and the files under
/// `static/` (hidden files and symbolic links left out, as ``StaticFileController`` refuses them).
enum ShellFiles {
    /// The files under `static/` (paths relative to it, sorted) and a tag per file that
    /// changes when the file does (`index.html`'s first).
    static func list(webRoot: String, cache: FileCache) async throws -> (paths: [String], tags: [String]) {
        let directory = webRoot + "/static"
        let paths: [String] = try await NIOThreadPool.singleton.runIfActive {
            guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
            var found: [String] = []
            while let next = walker.nextObject() as? String {
                if next.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: directory + "/" + next, isDirectory: &isDirectory),
                   !isDirectory.boolValue {
                    found.append(next)
                }
            }
            return found.sorted()
        }
        var kept: [String] = []
        var tags: [String] = []
        if let index = try await cache.file(at: webRoot + "/index.html") { tags.append("index.html " + index.eTag) }
        for path in paths {
            guard let file = try await cache.file(at: directory + "/" + path, refusingLinksBelow: directory) else { continue }
            kept.append(path)
            tags.append(path + " " + file.eTag)
        }
        return (kept, tags)
    }

    /// 16 hex digits of FNV-1a (64 bit) over the tags: a change of any file changes it.
    static func version(of tags: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for tag in tags {
            for byte in tag.utf8 + [0] {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
