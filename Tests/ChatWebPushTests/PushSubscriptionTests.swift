import ChatCore
import ChatWebPush
import Crypto
import Testing

/// Every malformed subscription, and every endpoint the chat must not post to, is refused.
@Suite struct PushSubscriptionTests {
    static let key = Base64URL.encode(P256.KeyAgreement.PrivateKey().publicKey.x963Representation)
    static let auth = Base64URL.encode((0..<16).map { UInt8($0) })

    @Test(arguments: [
        "https://fcm.googleapis.com/fcm/send/abc:def",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAA",
        "https://8.8.8.8/x", "https://[2001:db8::1]/x", "https://push.example.net:8443/a",
    ])
    func publicHttpsEndpointsAreAccepted(_ endpoint: String) throws {
        let subscription = try PushSubscription(endpoint: endpoint, p256dh: Self.key, auth: Self.auth, policy: .production)
        #expect(subscription.endpoint == endpoint)
    }

    @Test(arguments: [
        "", "not a url", "ftp://push.example.net/x", "http://push.example.net/x", "https:///nohost",
        "https://127.0.0.1/x", "https://127.5.6.7:99/x", "https://localhost/x", "https://a.localhost/x",
        "https://[::1]/x", "https://10.1.2.3/x", "https://172.20.0.1/x", "https://192.168.1.1/x",
        "https://169.254.169.254/latest", "https://[fe80::1]/x", "https://[fd00::1]/x", "https://0.0.0.0/x",
        "https://[::]/x", "https://[::ffff:127.0.0.1]/x", "https://[::ffff:10.0.0.1]/x", "https://100.64.0.1/x",
        "https://printer.local/x", "https://intranet/x", "https://2130706433/x", "https://127.1/x", "https://0177.0.0.1/x", "https://012.0.0.1/x",
        "https://0x7f.0.0.1/x", "https://0x7f000001/x", "https://[::ffff:7f00:1]/x", "https://user:pw@push.example.net/x",
        "https://push.example.net/a b", "https://push.example.net/\u{7}", "https://push.example.net/" + String(repeating: "a", count: 2_100),
    ])
    func forbiddenEndpointsAreRefused(_ endpoint: String) {
        #expect(throws: PushSubscriptionError.self) {
            try PushSubscription(endpoint: endpoint, p256dh: Self.key, auth: Self.auth, policy: .production)
        }
    }

    @Test(arguments: ["http://127.0.0.1:9999/push", "https://127.0.0.1/x", "http://localhost:80/p", "http://[::1]:8/x"])
    func loopbackOnlyWithTheTestSetting(_ endpoint: String) throws {
        #expect(throws: PushSubscriptionError.self) {
            try PushSubscription(endpoint: endpoint, p256dh: Self.key, auth: Self.auth, policy: .production)
        }
        _ = try PushSubscription(endpoint: endpoint, p256dh: Self.key, auth: Self.auth, policy: EndpointPolicy(allowsLoopback: true))
    }

    @Test func theTestSettingStillRefusesPrivateAddresses() {
        #expect(throws: PushSubscriptionError.self) {
            try PushSubscription(endpoint: "http://10.0.0.1/x", p256dh: Self.key, auth: Self.auth, policy: EndpointPolicy(allowsLoopback: true))
        }
    }

    @Test(arguments: [
        ("", auth), ("!!!", auth), (String(key.dropLast(4)), auth),
        // Compressed point (33 bytes starting 0x02).
        (Base64URL.encode(P256.KeyAgreement.PrivateKey().publicKey.compressedRepresentation), auth),
        // 65 bytes, 0x04, but not on the curve.
        (Base64URL.encode([4] + [UInt8](repeating: 1, count: 64)), auth),
        (key, ""), (key, "***"), (key, Base64URL.encode([UInt8](repeating: 1, count: 15))),
        (key, Base64URL.encode([UInt8](repeating: 1, count: 32))),
    ])
    func malformedKeysAreRefused(_ p256dh: String, _ auth: String) {
        #expect(throws: PushSubscriptionError.self) {
            try PushSubscription(endpoint: "https://push.example.net/x", p256dh: p256dh, auth: auth, policy: .production)
        }
    }

    @Test func paddedBase64IsTolerated() throws {
        _ = try PushSubscription(endpoint: "https://push.example.net/x", p256dh: Self.key + "=", auth: Self.auth + "==", policy: .production)
    }
}
