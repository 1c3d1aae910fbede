import ChatCore
import ChatHTTP
import ChatStore
import ChatTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// Photos and files (issue 19): `POST /data/files` and `GET /data/files/<sha256>/<name>` on a
/// real socket, with a real upload directory.
@Suite("Uploads: stored by their hash, served so that nothing runs")
struct FilesTests {
    /// The page's own icon: a real PNG, 192×192.
    static let png: [UInt8] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("web/static/img/icon-192.png")
        return (try? Array(Data(contentsOf: url))) ?? []
    }()
    static let svg = #"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>"#

    /// A server on a free loopback port whose uploads go to a fresh directory.
    static func withServer(
        maxUploadBytes: Int = ServerConfiguration.defaultMaxUploadBytes,
        credentials: HTTPCredentials? = nil,
        _ test: @Sendable (any TestClientProtocol, String) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let web = try TestWebRoot()
        defer { web.remove() }
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.filesDirectory = folder.path + "/files"
        configuration.maxUploadBytes = maxUploadBytes
        configuration.credentials = credentials
        var logger = Logger(label: "chatt.test.files")
        logger.logLevel = .critical
        let router = buildRouter(context: ChatRequestContext.self, configuration: configuration,
                                 store: InMemoryMessageStore(), webRoot: web.path, logger: logger)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        let directory = folder.path + "/files"
        try await app.test(.live) { client in try await test(client, directory) }
    }

    /// Every name in the upload directory (temporary files included).
    static func stored(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    static func upload(
        _ client: some TestClientProtocol, name: String, bytes: [UInt8], type: String? = nil, headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = headers
        if let type { headers[.contentType] = type }
        let query = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
        return try await client.execute(uri: "/data/files?name=\(query)", method: .post, headers: headers,
                                        body: ByteBuffer(bytes: bytes))
    }

    static func sha256Hex(_ bytes: [UInt8]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(bytes))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(text.prefix(64))
    }

    @Test func anImageIsStoredByItsHashAndServedInlineWithItsSize() async throws {
        let sha = try Self.sha256Hex(Self.png)
        try await Self.withServer { client, directory in
            let response = try await Self.upload(client, name: "my photo (1).png", bytes: Self.png, type: "image/png")
            #expect(response.status == .created)
            let json = try #require(try response.json() as? [String: Any])
            #expect(json["sha256"] as? String == sha)
            #expect(json["url"] as? String == "/data/files/\(sha)/my%20photo%20%281%29.png")
            #expect(json["size"] as? Int == Self.png.count)
            #expect(json["type"] as? String == "image/png")
            #expect(json["width"] as? Int == 192 && json["height"] as? Int == 192)
            #expect(Self.stored(directory) == [sha], "one file, named by its hash; no temporary file left")

            try await client.execute(uri: "/data/files/\(sha)/my%20photo%20%281%29.png", method: .get) { response in
                #expect(response.status == .ok)
                #expect(Array(response.body.readableBytesView) == Self.png)
                #expect(response.headers[.contentType] == "image/png")
                #expect(response.headers[.contentDisposition] == nil, "a picture shows inline")
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[.contentSecurityPolicy] == "default-src 'none'")
                #expect(response.headers[.cacheControl] == "public, max-age=31536000, immutable")
                #expect(response.headers[.acceptRanges] == "bytes")
            }
        }
    }

    @Test("the same content twice: stored once, the same URL's hash")
    func deduplicated() async throws {
        try await Self.withServer { client, directory in
            let first = try await Self.upload(client, name: "a.png", bytes: Self.png)
            let second = try await Self.upload(client, name: "b.png", bytes: Self.png, type: "image/png")
            #expect(first.status == .created && second.status == .created)
            let a = try #require(try first.json() as? [String: Any]), b = try #require(try second.json() as? [String: Any])
            #expect(a["sha256"] as? String == b["sha256"] as? String)
            #expect(b["url"] as? String == "/data/files/\(b["sha256"] as? String ?? "")/b.png")
            #expect(Self.stored(directory).count == 1)
        }
    }

    @Test("SVG and HTML are downloads, never pages of this origin", arguments: [
        ("drawing.svg", "image/svg+xml", FilesTests.svg),
        ("page.html", "text/html", "<!doctype html><script>alert(document.cookie)</script>"),
        ("notes é.txt", "text/plain", "hello"),
    ])
    func everythingElseIsAnAttachment(name: String, type: String, content: String) async throws {
        try await Self.withServer { client, _ in
            let response = try await Self.upload(client, name: name, bytes: Array(content.utf8), type: type)
            #expect(response.status == .created)
            let json = try #require(try response.json() as? [String: Any])
            #expect(json["type"] as? String == "application/octet-stream")
            #expect(json["width"] == nil)
            let url = try #require(json["url"] as? String)
            try await client.execute(uri: url, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text == content)
                #expect(response.headers[.contentType] == "application/octet-stream")
                let disposition = try #require(response.headers[.contentDisposition])
                #expect(disposition.hasPrefix("attachment; "))
                #expect(disposition.contains("filename*=UTF-8''" + (name.addingPercentEncoding(
                    withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? "")))
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[.contentSecurityPolicy] == "default-src 'none'")
            }
        }
    }

    @Test("bad input: a 4xx with a reason, and nothing stored", arguments: [
        ("", "text/plain", Array("x".utf8), 400, "empty"),
        ("a/b.txt", "text/plain", Array("x".utf8), 400, "/"),
        ("a\\b.txt", "text/plain", Array("x".utf8), 400, "/"),
        ("..", "text/plain", Array("x".utf8), 400, ".."),
        ("x..y", "text/plain", Array("x".utf8), 400, ".."),
        ("bad\nname.txt", "text/plain", Array("x".utf8), 400, "control"),
        ("bad\u{7}name.txt", "text/plain", Array("x".utf8), 400, "control"),
        (String(repeating: "n", count: 256), "text/plain", Array("x".utf8), 400, "bytes long"),
        ("empty.txt", "text/plain", [], 400, "empty"),
        ("fake.png", "image/png", Array("<svg/>".utf8), 415, "image/png"),
        ("fake.txt", "image/jpeg", FilesTests.png, 415, "image/jpeg"),
        ("fake.jpg", "application/octet-stream", FilesTests.png, 415, "name"),
        ("fake.gif", "", Array("GIF8 but not".utf8), 415, "image/gif"),
    ] as [(String, String, [UInt8], Int, String)])
    func refused(name: String, type: String, bytes: [UInt8], status: Int, reason: String) async throws {
        try await Self.withServer { client, directory in
            let response = try await Self.upload(client, name: name, bytes: bytes, type: type.isEmpty ? nil : type)
            #expect(response.status.code == status)
            #expect(response.text.contains(reason), "the reason: \(response.text)")
            #expect(Self.stored(directory).filter { !$0.hasPrefix(".") }.isEmpty)
            #expect(Self.stored(directory).isEmpty, "no temporary file left either")
        }
    }

    @Test func noNameAtAll() async throws {
        try await Self.withServer { client, _ in
            try await client.execute(uri: "/data/files", method: .post, body: ByteBuffer(string: "x")) { response in
                #expect(response.status == .badRequest)
                #expect(response.text.contains("?name="))
            }
        }
    }

    @Test("past the limit: refused at once by its Content-Length")
    func oversizeByLength() async throws {
        try await Self.withServer(maxUploadBytes: 1024) { client, directory in
            let response = try await Self.upload(client, name: "big.bin", bytes: [UInt8](repeating: 7, count: 1025))
            #expect(response.status == .contentTooLarge)
            #expect(response.text.contains("limit of 1024 bytes"))
            #expect(Self.stored(directory).isEmpty)
            let exact = try await Self.upload(client, name: "fits.bin", bytes: [UInt8](repeating: 7, count: 1024))
            #expect(exact.status == .created)
        }
    }

    @Test("past the limit without a Content-Length (chunked): stopped as it grows, nothing kept")
    func oversizeWhileStreaming() async throws {
        try await Self.withServer(maxUploadBytes: 64 * 1024) { client, directory in
            let port = try #require(client.port)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-big-\(UUID().uuidString)")
            try Data(repeating: 1, count: 1024 * 1024).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            process.arguments = ["-sS", "-o", "-", "-w", "\n%{http_code}", "-H", "Transfer-Encoding: chunked",
                                 "--data-binary", "@\(file.path)", "http://127.0.0.1:\(port)/data/files?name=big.bin"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = Pipe()
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(text.hasSuffix("\n413"), "curl saw: \(text.suffix(200))")
            #expect(text.contains("limit of 65536 bytes"))
            try await waitUntil("the temporary file to go") { Self.stored(directory).isEmpty }
        }
    }

    @Test func rangeRequests() async throws {
        try await Self.withServer { client, _ in
            let content = Array("0123456789".utf8)
            let response = try await Self.upload(client, name: "digits.txt", bytes: content)
            let url = try #require(try response.json() as? [String: Any])["url"] as? String ?? ""
            for (range, part, contentRange) in [
                ("bytes=0-3", "0123", "bytes 0-3/10"), ("bytes=7-", "789", "bytes 7-9/10"),
                ("bytes=-2", "89", "bytes 8-9/10"), ("bytes=5-100", "56789", "bytes 5-9/10"),
            ] {
                try await client.execute(uri: url, method: .get, headers: [.range: range]) { response in
                    #expect(response.status == .partialContent, "\(range)")
                    #expect(response.text == part, "\(range)")
                    #expect(response.headers[.contentRange] == contentRange)
                    #expect(response.headers[.contentDisposition]?.hasPrefix("attachment") == true)
                }
            }
            try await client.execute(uri: url, method: .get, headers: [.range: "bytes=10-"]) { response in
                #expect(response.status == .rangeNotSatisfiable)
                #expect(response.headers[.contentRange] == "bytes */10")
            }
            try await client.execute(uri: url, method: .get, headers: [.range: "bytes=0-1,4-5"]) { response in
                #expect(response.status == .ok, "several ranges: the whole file")
                #expect(response.text == "0123456789")
            }
            try await client.execute(uri: url, method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentLength] == "10")
            }
        }
    }

    @Test("404 for a malformed or unknown hash", arguments: [
        String(repeating: "a", count: 64), "..", String(repeating: "A", count: 64), "abc", String(repeating: "a", count: 65),
    ])
    func unknown(hash: String) async throws {
        try await Self.withServer { client, _ in
            try await client.execute(uri: "/data/files/\(hash)/x.png", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("a protected chat: uploads and files need the pair, as /data does")
    func protected() async throws {
        let credentials = HTTPCredentials(login: "login1", password: "secret-pass", source: "test")
        try await Self.withServer(credentials: credentials) { client, directory in
            let refused = try await Self.upload(client, name: "a.png", bytes: Self.png)
            #expect(refused.status == .unauthorized)
            #expect(Self.stored(directory).isEmpty)
            let auth: HTTPFields = [.authorization: basic("login1", "secret-pass")]
            let accepted = try await Self.upload(client, name: "a.png", bytes: Self.png, headers: auth)
            #expect(accepted.status == .created)
            let url = try #require(try accepted.json() as? [String: Any])["url"] as? String ?? ""
            try await client.execute(uri: url, method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: url, method: .get, headers: auth) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.cacheControl] == "private, max-age=31536000, immutable",
                        "public would let a shared cache give a protected chat's file to anyone")
            }
        }
    }

    @Test func uploadNames() throws {
        let name = try UploadName("été (2).jpg")
        #expect(name.pathSegment == "%C3%A9t%C3%A9%20%282%29.jpg")
        #expect(name.attachmentDisposition == "attachment; filename=\"_t_ (2).jpg\"; filename*=UTF-8''%C3%A9t%C3%A9%20%282%29.jpg")
        #expect(throws: UploadNameError.self) { try UploadName("a\u{2028}b") }
        #expect(throws: UploadNameError.self) { try UploadName(".") }
        #expect(throws: Never.self) { try UploadName(".bashrc") }
    }
}
