import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers a request's `Expect: 100-continue` with `100 Continue` as soon as its head
/// arrives, so that a client that waits for it before sending its body (curl does, for an
/// upload over 1 MB) sends at once instead of after its own timeout (a second for curl).
///
/// The final answer comes as usual from the route; one that refuses the request (413, 401)
/// is still sent, after the body the client was told to send (RFC 9110 §10.1.1 allows a
/// server to send 100 for any request carrying the expectation).
final class ContinueHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let request) = unwrapInboundIn(data),
           let expectation = request.headerFields[.expect],
           expectation.lowercased() == "100-continue" {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        context.fireChannelRead(data)
    }
}
