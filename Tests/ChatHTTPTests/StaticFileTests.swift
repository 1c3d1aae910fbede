import ChatHTTP
import CompressNIO
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("GET /static/…")
struct StaticFileTests {
    @Test(arguments: [
        ("/static/main.js", "text/javascript; charset=utf-8"),
        ("/static/style.css", "text/css; charset=utf-8"),
        ("/static/img/logo.png", "image/png"),
    ])
    func contentTypes(path: String, contentType: String) async throws {
        try await withTestApp { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == contentType)
                #expect(response.headers[.eTag] != nil)
                #expect(response.headers[.lastModified] != nil)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
            }
        }
    }

    @Test func conditionalRequestsGet304() async throws {
        try await withTestApp { client in
            let (eTag, lastModified) = try await client.execute(uri: "/static/main.js", method: .get) { response in
                #expect(response.text == TestWebRoot.script)
                return (try #require(response.headers[.eTag]), try #require(response.headers[.lastModified]))
            }
            try await client.execute(uri: "/static/main.js", method: .get, headers: [.ifNoneMatch: eTag]) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/static/main.js", method: .get, headers: [.ifNoneMatch: "\"other\""]) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/static/main.js", method: .get, headers: [.ifModifiedSince: lastModified]) { response in
                #expect(response.status == .notModified)
            }
            try await client.execute(
                uri: "/static/main.js", method: .get, headers: [.ifModifiedSince: "Mon, 01 Jan 2001 00:00:00 GMT"]
            ) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func gzipWhenAccepted() async throws {
        try await withTestApp { client in
            let gzipTag = try await client.execute(
                uri: "/static/main.js", method: .get, headers: [.acceptEncoding: "br, gzip;q=0.8"]
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentEncoding] == "gzip")
                #expect(response.headers[.vary] == "Accept-Encoding")
                var body = response.body
                #expect(body.readableBytes < TestWebRoot.script.utf8.count)
                let plain = try body.decompress(with: .gzip())
                #expect(String(buffer: plain) == TestWebRoot.script)
                return try #require(response.headers[.eTag])
            }
            try await client.execute(uri: "/static/main.js", method: .get, headers: [.acceptEncoding: "gzip;q=0"]) { response in
                #expect(response.headers[.contentEncoding] == nil)
                #expect(response.headers[.eTag] != gzipTag)
            }
            try await client.execute(
                uri: "/static/main.js", method: .get, headers: [.acceptEncoding: "gzip", .ifNoneMatch: gzipTag]
            ) { response in
                #expect(response.status == .notModified)
            }
        }
    }

    @Test(arguments: [
        "/static/../Package.swift", "/static/%2e%2e/Package.swift", "/static/img/../../Package.swift",
        "/static/.hidden", "/static/missing.js", "/static/", "/static/img",
    ])
    func nothingOutsideStaticAndNothingMissing(path: String) async throws {
        try await withTestApp { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .notFound, "\(path)")
                #expect(!response.text.contains("outside") && !response.text.contains("secret"))
            }
        }
    }
}
