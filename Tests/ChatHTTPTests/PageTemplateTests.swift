@testable import ChatHTTP
import NIOCore
import Testing

@Suite("Where the meta tags go")
struct PageTemplateTests {
    static func render(_ html: String) -> String {
        String(buffer: PageTemplate(html: ByteBuffer(string: html)).render(meta: [("m", "v")]))
    }

    @Test(arguments: [
        ("<html><head><title>t</title></head></html>", "<html><head>\n<meta name=\"m\" content=\"v\">\n<title>t</title></head></html>"),
        ("<HTML><HEAD lang=x>\n<title>t</title></HEAD>", "<HTML><HEAD lang=x>\n<meta name=\"m\" content=\"v\">\n<title>t</title></HEAD>"),
        ("<header>h</header><title>t</title></head>", "<header>h</header><title>t</title>\n<meta name=\"m\" content=\"v\">\n</head>"),
        ("<p>no head</p>", "\n<meta name=\"m\" content=\"v\">\n<p>no head</p>"),
    ])
    func insertsAfterHeadElseBeforeClosingHead(html: String, expected: String) {
        #expect(Self.render(html) == expected)
    }

    @Test func escapesEveryMarkupCharacter() {
        #expect(HTML.escape(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    }
}
