import ChatStore
import Testing

@Suite("--db: an SQLite path or a postgres:// URL")
struct StoreLocationTests {
    @Test("a path is an SQLite file")
    func path() throws {
        #expect(try StoreLocation(parsing: "data/chatt.db") == .sqlite(path: "data/chatt.db"))
        #expect(try StoreLocation(parsing: "/var/lib/chatt/postgres.db") == .sqlite(path: "/var/lib/chatt/postgres.db"))
    }

    @Test("a postgres URL: user, password, host, port, database, sslmode; the password never printed")
    func postgres() throws {
        let location = try StoreLocation(parsing: "postgres://chatt:s%40cret@db.example:6432/history?sslmode=require")
        let expected = PostgresAddress(host: "db.example", port: 6432, user: "chatt", password: "s@cret", database: "history", tls: .require)
        #expect(location == .postgres(expected))
        #expect(location.description == "postgres://chatt:***@db.example:6432/history?sslmode=require")
        #expect(!"\(location)".contains("s@cret"))
        #expect(try StoreLocation(parsing: "postgresql://chatt@127.0.0.1/chatt") == .postgres(
            PostgresAddress(host: "127.0.0.1", user: "chatt", database: "chatt")))
        #expect(try StoreLocation(parsing: "postgres://chatt@[::1]:5433/chatt") == .postgres(
            PostgresAddress(host: "::1", port: 5433, user: "chatt", database: "chatt")))
    }

    @Test("a postgres URL without a password takes PGPASSWORD's; one with a password keeps its own")
    func passwordFromEnvironment() throws {
        let environment = ["PGPASSWORD": "from-env"]
        let bare = try StoreLocation(parsing: "postgres://chatt@db.example/chatt", environment: environment)
        #expect(bare == .postgres(PostgresAddress(host: "db.example", user: "chatt", password: "from-env", database: "chatt")))
        #expect(bare.description == "postgres://chatt:***@db.example:5432/chatt")
        let own = try StoreLocation(parsing: "postgres://chatt:mine@db.example/chatt", environment: environment)
        #expect(own == .postgres(PostgresAddress(host: "db.example", user: "chatt", password: "mine", database: "chatt")))
        #expect(try StoreLocation(parsing: "postgres://chatt@db.example/chatt", environment: ["PGPASSWORD": ""])
            == .postgres(PostgresAddress(host: "db.example", user: "chatt", database: "chatt")))
        #expect(try StoreLocation(parsing: "data/chatt.db", environment: environment) == .sqlite(path: "data/chatt.db"))
    }

    @Test("a postgres URL missing a part, or with an unknown parameter, says what is wrong",
          arguments: [
            ("postgres://db.example/chatt", "no user"),
            ("postgres://chatt@db.example", "no database"),
            ("postgres://chatt@db.example/", "no database"),
            ("postgres://chatt@/chatt", "no host"),
            ("postgres://chatt@db/chatt?sslmode=maybe", "sslmode must be"),
            ("postgres://chatt@db/chatt?pool=3", "unknown parameter pool"),
          ])
    func bad(url: String, problem: String) {
        #expect {
            _ = try StoreLocation(parsing: url)
        } throws: { error in
            "\(error)".contains(problem)
        }
    }
}
