public import Hummingbird
internal import NIOCore
internal import Foundation

/// What makes the page installable: `GET /manifest.webmanifest` (also `/manifest.json`), the web
/// app manifest, and `GET /sw.js`, the service worker from `<web root>/sw.js` with its
/// placeholders filled: `__CHATT_VERSION__` (a version derived from the web root's files, so
/// a changed static file gives a new cache) and `__CHATT_SHELL__` (a JSON array of the
/// shell's URLs: `./` and every file under `static/`).
///
/// Both answer `Cache-Control: no-cache`: the browser checks them on every open, so an update
/// of the server's files is seen at the next open.
public struct AppShellController<Context: RequestContext>: Sendable {
    let webRoot: String
    let cache: FileCache
    let name: String

    /// Serves the manifest and the service worker of `webRoot`; `name` is the app's name.
    public init(webRoot: String, name: String = "ChaTT") {
        self.init(webRoot: webRoot, cache: FileCache(), name: name)
    }

    init(webRoot: String, cache: FileCache, name: String = "ChaTT") {
        self.webRoot = webRoot.hasSuffix("/") ? String(webRoot.dropLast()) : webRoot
        self.cache = cache
        self.name = name
    }

    /// Adds `GET /manifest.webmanifest`, `GET /manifest.json` and `GET /sw.js`.
    public func addRoutes(to group: RouterGroup<Context>) {
        group.get("manifest.webmanifest") { _, _ in manifest() }
        group.get("manifest.json") { _, _ in manifest() }
        group.get("sw.js") { _, _ in try await serviceWorker() }
    }

    func manifest() -> Response {
        let body = WebAppManifest(name: name).json
        return Response(
            status: .ok,
            headers: [.contentType: "application/manifest+json; charset=utf-8", .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    func serviceWorker() async throws -> Response {
        guard let template = try await cache.file(at: webRoot + "/sw.js") else {
            throw HTTPError(.notFound, message: "the service worker is not installed on this server")
        }
        let shell = try await ShellFiles.list(webRoot: webRoot, cache: cache)
        let urls = ["./"] + shell.paths.map { "static/" + $0 }
        let list = "[" + urls.map { "\"\($0.jsonEscaped)\"" }.joined(separator: ",") + "]"
        let version = ShellFiles.version(of: shell.tags + [template.eTag])
        let text = String(buffer: template.bytes)
            .replacingOccurrences(of: "__CHATT_VERSION__", with: version)
            .replacingOccurrences(of: "__CHATT_SHELL__", with: list)
        return Response(
            status: .ok,
            headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

extension String {
    /// The text with `\` and `"` escaped and control characters dropped, for a JSON string.
    fileprivate var jsonEscaped: String {
        var result = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            default: if scalar.value >= 0x20 { result.unicodeScalars.append(scalar) }
            }
        }
        return result
    }
}
