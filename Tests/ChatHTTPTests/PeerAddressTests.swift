@testable import ChatHTTP
import NIOCore
import Testing

@Suite("Peer addresses and the client address rule")
struct PeerAddressTests {
    @Test(arguments: [
        ("127.0.0.1", true), ("127.1.2.3", true), ("::1", true), ("::ffff:127.0.0.1", true),
        ("10.0.0.1", false), ("203.0.113.7", false), ("::2", false), ("fe80::1", false), ("::ffff:10.0.0.1", false),
    ])
    func loopback(address: String, isLoopback: Bool) throws {
        let peer = try #require(PeerAddress(parsing: address))
        #expect(peer.isLoopback == isLoopback)
        let socket = try SocketAddress(ipAddress: address, port: 1234)
        #expect(PeerAddress(socket)?.isLoopback == isLoopback)
    }

    @Test func canonicalFormMakesSpellingsEqual() {
        #expect(PeerAddress(parsing: "0:0:0:0:0:0:0:1") == PeerAddress(parsing: "::1"))
        #expect(PeerAddress(parsing: " 10.0.0.1 ")?.ip == "10.0.0.1")
        #expect(PeerAddress(parsing: "not an address") == nil)
        #expect(PeerAddress(parsing: "") == nil)
    }

    @Test func unixSocketsHaveNoPeerAddress() throws {
        #expect(PeerAddress(try SocketAddress(unixDomainSocketPath: "/tmp/x.sock")) == nil)
    }

    @Test func clientAddressRule() throws {
        let proxy = try #require(PeerAddress(parsing: "10.0.0.2"))
        let inner = try #require(PeerAddress(parsing: "10.0.0.3"))
        let resolver = ClientAddressResolver(trustedProxies: [proxy, inner])
        let stranger = PeerAddress(parsing: "203.0.113.7")
        #expect(resolver.clientAddress(peer: stranger, forwardedFor: ["127.0.0.1"]) == "203.0.113.7")
        #expect(resolver.clientAddress(peer: proxy, forwardedFor: []) == "10.0.0.2")
        #expect(resolver.clientAddress(peer: proxy, forwardedFor: ["1.1.1.1, 198.51.100.9, 10.0.0.3"]) == "198.51.100.9")
        #expect(resolver.clientAddress(peer: proxy, forwardedFor: ["1.1.1.1", "198.51.100.9"]) == "198.51.100.9")
        #expect(resolver.clientAddress(peer: proxy, forwardedFor: ["10.0.0.3"]) == "10.0.0.3")
        #expect(resolver.clientAddress(peer: nil, forwardedFor: ["1.1.1.1"]) == "")
    }
}
