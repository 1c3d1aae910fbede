internal import GRDB

extension SQLiteMessageStore {
    /// Each message's signature verdict (``SignatureVerdict``), `NULL` for a plain one.
    static func registerVerdictMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("identity: signature verdicts") { db in
            try db.execute(sql: "ALTER TABLE message ADD COLUMN sig TEXT")
        }
    }
}
