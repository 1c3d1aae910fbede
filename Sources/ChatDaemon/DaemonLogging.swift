public import Logging

/// How both daemons log: to standard error, at the level `LOG_LEVEL` names (trace, debug,
/// info, notice, warning, error, critical; any case), `info` when it is unset or unknown.
public enum DaemonLogging {
    /// The level `LOG_LEVEL` in `environment` names.
    public static func level(environment: [String: String]) -> Logger.Level {
        environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
    }

    /// Sets up logging once for the process and returns the daemon's logger.
    public static func bootstrap(label: String, environment: [String: String]) -> Logger {
        let level = level(environment: environment)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}
