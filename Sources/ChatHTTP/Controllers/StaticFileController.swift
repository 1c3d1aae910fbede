public import Hummingbird

/// `GET /static/…`: the page's scripts, styles, images and sounds, from `<web root>/static/`.
///
/// A path with an empty, `.` or `..` component, a hidden file (`.name`), or a symbolic link
/// anywhere below `static/`, is 404: nothing outside `static/` can be reached.
public struct StaticFileController<Context: RequestContext>: Sendable {
    let directory: String
    let responder: FileResponder

    /// Serves the files under `webRoot/static`.
    public init(webRoot: String) {
        self.init(webRoot: webRoot, cache: FileCache())
    }

    init(webRoot: String, cache: FileCache) {
        self.directory = webRoot.hasSuffix("/") ? webRoot + "static" : webRoot + "/static"
        self.responder = FileResponder(cache: cache)
    }

    /// Adds `GET /static/**`.
    public func addRoutes(to group: RouterGroup<Context>) {
        group.get("static/**") { request, context in
            try await serve(request, components: context.parameters.getCatchAll())
        }
    }

    func serve(_ request: Request, components: [Substring]) async throws -> Response {
        guard let relative = Self.safeRelativePath(components) else { throw HTTPError(.notFound) }
        let path = directory + "/" + relative
        guard let file = try await responder.cache.file(at: path, refusingLinksBelow: directory) else {
            throw HTTPError(.notFound)
        }
        return responder.response(for: request, path: path, file: file, contentType: FileMediaType.forPath(relative))
    }

    /// The components joined with `/`, after percent-decoding, or `nil` when one of them could
    /// leave the directory or names a hidden file.
    static func safeRelativePath(_ components: [Substring]) -> String? {
        guard !components.isEmpty else { return nil }
        var parts: [String] = []
        for component in components {
            guard let decoded = component.removingPercentEncoding,
                  !decoded.isEmpty, !decoded.hasPrefix("."),
                  !decoded.contains("/"), !decoded.contains("\\"), !decoded.contains("\0")
            else { return nil }
            parts.append(decoded)
        }
        return parts.joined(separator: "/")
    }
}
