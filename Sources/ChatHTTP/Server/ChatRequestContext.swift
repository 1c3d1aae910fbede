public import Hummingbird
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A request context that knows the address of the socket's peer.
///
/// Every guard that depends on who is asking (the loopback-only control API, the trusted-proxy
/// rule for `X-Forwarded-For`) reads ``peer``, never a header. The server uses
/// ``ChatRequestContext``; tests supply their own conforming type to play any peer.
public protocol PeerAwareRequestContext: RequestContext where Source == ApplicationRequestContextSource {
    /// The address of the connection's other end, when it is an IP address.
    var peer: PeerAddress? { get }
}

extension PeerAwareRequestContext where Encoder == JSONEncoder {
    /// Every JSON answer is encoded the same way, keys sorted: see `JSONEncoder.chattResponses()`.
    public var responseEncoder: JSONEncoder { .chattResponses() }
}

/// The request context of `chatt-server`: the peer address is the channel's remote address.
public struct ChatRequestContext: PeerAwareRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let peer: PeerAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peer = source.channel.remoteAddress.flatMap(PeerAddress.init)
    }
}
