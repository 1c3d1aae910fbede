public import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// One exit-status policy for every ChaTT command:
///
/// | status | when |
/// |---|---|
/// | 0 | done, or stopped by SIGTERM/SIGINT after storing what was received |
/// | 1 | a failure while running: the database cannot be opened or written, the broker refuses |
/// | 2 | `chatt-genpass`: a passphrase the original derivation never finishes on |
/// | 64 | bad configuration: a flag, an environment variable or a config file key (EX_USAGE, as ArgumentParser uses for a bad flag) |
public enum ExitPolicy {
    /// Bad configuration (EX_USAGE).
    public static let badConfiguration = ExitCode(64)
    /// A failure while running.
    public static let failure = ExitCode.failure

    /// Says `message` on standard error as one line, `program: message`, and returns the
    /// status for bad configuration, to throw.
    public static func badConfiguration(_ program: String, _ message: String) -> ExitCode {
        say(program, message)
        return badConfiguration
    }

    /// Says `message` on standard error as one line and returns the failure status, to throw.
    public static func failure(_ program: String, _ message: String) -> ExitCode {
        say(program, message)
        return failure
    }

    private static func say(_ program: String, _ message: String) {
        let line = Array("\(program): \(message)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
