internal import _NIOFileSystem
internal import ChatCore
public import Hummingbird
public import Logging
internal import NIOCore

/// `/data/files`: photos and files members share (issue 19).
///
/// - `POST /data/files?name=<file name>`, the raw file as the body: streamed to the upload
///   directory while hashed (SHA-256), at most `maxUploadBytes`; answers 201 with
///   ``UploadResponse``. Refused with a reason, nothing stored: an empty body (400), a bad
///   name (400), a body past the limit (413, at once when `Content-Length` says so), a
///   `Content-Type` or name extension claiming PNG, JPEG, GIF or WebP that the magic bytes
///   do not show (415).
/// - `GET /data/files/<sha256>/<name>`: the file. PNG, JPEG, GIF and WebP (by their magic
///   bytes) inline with their image type; anything else, SVG and HTML included, as
///   `application/octet-stream` with `Content-Disposition: attachment`, so that nothing
///   uploaded ever runs as a page of this origin. Always `X-Content-Type-Options: nosniff`,
///   `Content-Security-Policy: default-src 'none'`, immutable caching (the URL names the
///   content; `private` on a protected chat) and byte ranges. 404 for a malformed or unknown hash.
public struct FilesController<Context: RequestContext>: Sendable {
    let directory: FileDirectory
    let maxUploadBytes: Int
    let isProtected: Bool
    let logger: Logger
    let fileIO = FileIO()

    /// Stores uploads in `directory`, each at most `maxUploadBytes`; `isProtected`: the
    /// routes are behind HTTP Basic (then no shared cache may keep a file).
    public init(directory: String, maxUploadBytes: Int, isProtected: Bool = false, logger: Logger) {
        self.directory = FileDirectory(path: directory)
        self.maxUploadBytes = maxUploadBytes
        self.isProtected = isProtected
        self.logger = logger
    }

    /// Immutable: the URL names the content. `public` for an open chat; `private` behind
    /// HTTP Basic, since `public` would let a shared cache keep an answer to a request with
    /// `Authorization` and give it to anyone (RFC 9111, 3.5).
    var cacheControl: String {
        "\(isProtected ? "private" : "public"), max-age=31536000, immutable"
    }

    /// The policy of every answer: the file may load nothing and run nothing, even opened alone.
    static var contentSecurityPolicy: String { "default-src 'none'" }

    /// Adds the routes to `group` (mounted at `/data/files`, behind the same HTTP Basic as `/data`).
    public func addRoutes(to group: RouterGroup<Context>) {
        group.post { request, context in try await upload(request, context: context) }
        group.get(":sha256/:name") { request, context in try await serve(request, context: context) }
    }

    func upload(_ request: Request, context: Context) async throws -> EditedResponse<UploadResponse> {
        let name: UploadName
        do {
            name = try UploadName(request.uri.queryParameters["name"].map(String.init) ?? "")
        } catch {
            throw UploadError.badName(error.description).httpError
        }
        if let length = request.headers[.contentLength].flatMap({ Int64($0) }) {
            guard length <= Int64(maxUploadBytes) else { throw UploadError.tooLarge(limit: maxUploadBytes).httpError }
            guard length > 0 else { throw UploadError.empty.httpError }
        }
        let claims: [(format: ImageFormat, by: String)] = [
            request.headers[.contentType].flatMap(ImageFormat.init(mediaType:)).map { ($0, "Content-Type") },
            ImageFormat(fileName: name.value).map { ($0, "name") },
        ].compactMap { $0 }
        let stored: FileDirectory.Stored
        do {
            stored = try await directory.store(request.body, limit: maxUploadBytes) { header in
                let found = ImageFormat(magic: header)
                for claim in claims where claim.format != found {
                    throw UploadError.typeMismatch(
                        claimed: claim.format.mediaType, by: claim.by, found: found?.mediaType ?? "no PNG, JPEG, GIF or WebP picture")
                }
            }
        } catch let error as UploadError {
            logger.notice("upload refused", metadata: ["reason": "\(error)", "name": "\(name.value.prefix(80))"])
            throw error.httpError
        }
        let image = ImageInfo(header: stored.header)
        let answer = UploadResponse(
            url: "/data/files/\(stored.sha256)/\(name.pathSegment)", sha256: stored.sha256, size: stored.size,
            type: image?.format.mediaType ?? "application/octet-stream", width: image?.width, height: image?.height)
        logger.info("file uploaded", metadata: [
            "sha256": "\(stored.sha256)", "size": "\(stored.size)", "type": "\(answer.type)", "new": "\(stored.isNew)",
        ])
        return EditedResponse(status: .created, headers: [.cacheControl: "no-store"], response: answer)
    }

    func serve(_ request: Request, context: Context) async throws -> Response {
        guard let hash = context.parameters.get("sha256"), let path = directory.file(named: hash[...]),
              let info = try await FileSystem.shared.info(forFileAt: FilePath(path), infoAboutSymbolicLink: false),
              info.type == .regular
        else {
            throw HTTPError(.notFound, message: "no such file: it was never uploaded here, or it was removed")
        }
        let head = try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(path)) { handle in
            try await handle.readChunk(fromAbsoluteOffset: 0, length: .bytes(16))
        }
        let format = ImageFormat(magic: head.readableBytesView)
        let eTag = "\"\(hash)\""
        var headers: HTTPFields = [
            .contentSecurityPolicy: Self.contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
            .cacheControl: cacheControl,
            .acceptRanges: "bytes",
            .eTag: eTag,
        ]
        if let format {
            headers[.contentType] = format.mediaType
        } else {
            let raw = context.parameters.get("name") ?? ""
            let name = (try? UploadName(raw.removingPercentEncodingOrSelf)) ?? (try? UploadName("file"))
            headers[.contentType] = "application/octet-stream"
            headers[.contentDisposition] = name?.attachmentDisposition ?? "attachment"
        }
        if request.headers[values: .ifNoneMatch].contains(where: { $0.contains(eTag) || $0 == "*" }) {
            return Response(status: .notModified, headers: headers)
        }
        let size = info.size
        var range = ByteRange(header: request.headers[.range], size: size)
        // If-Range naming another version: the whole file (here every version is the same).
        if let ifRange = request.headers[.ifRange], ifRange != eTag { range = .whole }
        switch range {
        case .whole:
            headers[.contentLength] = String(size)
            let body = try await fileIO.loadFile(path: path, context: context)
            return Response(status: .ok, headers: headers, body: body)
        case .part(let part):
            headers[.contentRange] = "bytes \(part.lowerBound)-\(part.upperBound)/\(size)"
            headers[.contentLength] = String(part.count)
            let body = try await fileIO.loadFile(
                path: path, range: Int(part.lowerBound)...Int(part.upperBound), context: context)
            return Response(status: .partialContent, headers: headers, body: body)
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(size)"
            headers[.contentType] = "text/plain; charset=utf-8"
            headers[.contentDisposition] = nil
            let message = "the range \(request.headers[.range] ?? "") lies outside the file's \(size) bytes\n"
            headers[.contentLength] = String(message.utf8.count)
            return Response(status: .rangeNotSatisfiable, headers: headers,
                            body: ResponseBody(byteBuffer: ByteBuffer(string: message)))
        }
    }
}

/// The answer to an upload: where the file is and what it is.
public struct UploadResponse: ResponseEncodable, Sendable, Equatable {
    /// `/data/files/<sha256>/<name>`, the name percent-encoded.
    public var url: String
    /// The content's SHA-256, 64 lowercase hex digits.
    public var sha256: String
    /// Its size in bytes.
    public var size: Int64
    /// What it is served as: `image/png`, `image/jpeg`, `image/gif`, `image/webp`, else
    /// `application/octet-stream`.
    public var type: String
    /// A picture's width in pixels, from its header.
    public var width: Int?
    /// A picture's height in pixels, from its header.
    public var height: Int?
}
