internal import Hummingbird
internal import NIOCore

/// Builds the response for a file of the web root: content type, `ETag` and `Last-Modified`,
/// `304 Not Modified` when the client's copy is current, gzip when the client accepts it.
struct FileResponder: Sendable {
    let cache: FileCache

    func response(for request: Request, path: String, file: CachedFile, contentType: String) -> Response {
        let compressible = FileMediaType.isCompressible(contentType)
        let gzip = compressible && file.bytes.readableBytes >= Gzip.minimumSize
            && Gzip.isAccepted(by: request.headers[.acceptEncoding])
        var headers: HTTPFields = [
            .contentType: contentType,
            .lastModified: HTTPDate.format(file.modified),
            .cacheControl: "no-cache",
        ]
        if compressible { headers[.vary] = "Accept-Encoding" }

        if Self.isNotModified(request, file: file) {
            headers[.eTag] = file.eTag
            return Response(status: .notModified, headers: headers)
        }
        if gzip, let compressed = cache.gzipped(file, at: path) {
            headers[.eTag] = Self.gzipETag(file.eTag)
            headers[.contentEncoding] = "gzip"
            headers[.contentLength] = String(compressed.readableBytes)
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: compressed))
        }
        headers[.eTag] = file.eTag
        headers[.contentLength] = String(file.bytes.readableBytes)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: file.bytes))
    }

    /// The ETag of the gzip form: a different representation needs a different strong tag.
    static func gzipETag(_ eTag: String) -> String {
        String(eTag.dropLast()) + "-gz\""
    }

    /// `If-None-Match` naming either form of the file (or `*`) or, without it,
    /// `If-Modified-Since` no older than the file.
    static func isNotModified(_ request: Request, file: CachedFile) -> Bool {
        let ifNoneMatch = request.headers[values: .ifNoneMatch]
        if !ifNoneMatch.isEmpty {
            let gzipTag = gzipETag(file.eTag)
            for value in ifNoneMatch {
                for tag in value.split(separator: ",") {
                    var tag = tag.trimmingASCIIWhitespace()
                    if tag.hasPrefix("W/") { tag.removeFirst(2) }
                    if tag == "*" || tag == file.eTag || tag == gzipTag { return true }
                }
            }
            return false
        }
        if let since = request.headers[.ifModifiedSince].flatMap(HTTPDate.parse) {
            return file.modified <= since
        }
        return false
    }
}
