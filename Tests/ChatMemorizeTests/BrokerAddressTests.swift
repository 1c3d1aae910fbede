import ChatMemorize
import Testing

@Suite("--broker addresses and credentials")
struct BrokerAddressTests {
    @Test("parsing")
    func parsing() throws {
        #expect(try BrokerAddress(parsing: "mqtt://localhost:1883") == BrokerAddress(host: "localhost", port: 1883))
        #expect(try BrokerAddress(parsing: "127.0.0.1") == BrokerAddress(host: "127.0.0.1", port: 1883))
        #expect(try BrokerAddress(parsing: "mqtt://u:p%40ss@h:1") == BrokerAddress(host: "h", port: 1, username: "u", password: "p@ss"))
        #expect(try BrokerAddress(parsing: "mqtt://[::1]:9/") == BrokerAddress(host: "::1", port: 9))
        for bad in ["http://h:1", "mqtt://h:0", "mqtt://h:x", "mqtt://:1", "mqtt://[::1"] {
            #expect(throws: BrokerAddressError.self, "\(bad)") { try BrokerAddress(parsing: bad) }
        }
    }

    @Test("CHATT_USER/CHATT_PASS win; USER counts only with PASS; the URL beats USER/PASS")
    func credentials() throws {
        let plain = BrokerAddress()
        #expect(plain.withCredentials(from: ["USER": "root"]).username == nil)
        #expect(plain.withCredentials(from: ["USER": "u", "PASS": "p"]) == BrokerAddress(username: "u", password: "p"))
        let both = ["USER": "u", "PASS": "p", "CHATT_USER": "cu", "CHATT_PASS": "cp"]
        #expect(plain.withCredentials(from: both) == BrokerAddress(username: "cu", password: "cp"))
        let url = try BrokerAddress(parsing: "mqtt://a:b@localhost:1883")
        #expect(url.withCredentials(from: ["USER": "u", "PASS": "p"]).username == "a")
        #expect(url.withCredentials(from: both).username == "cu")
        #expect(!url.description.contains("b@"))
        // The login is as secret as the password (the legacy pair is derived from one seed).
        let login = BrokerAddress(host: "h", port: 1, username: "R3ZXKboT3M5VqPxO", password: "secret")
        #expect(login.description == "mqtt://R3…:***@h:1")
    }
}
