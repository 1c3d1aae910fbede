import ArgumentParser
import ChatCore

@main
struct ChattGenpass: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chatt-genpass",
        abstract: "Turn a ChaTT passphrase into the MQTT login and password it stands for.",
        discussion: """
            Browsers derive the same pair from the passphrase people type. Put it in the \
            broker's password file and give it to chatt-server:

              chatt-genpass plop
              mosquitto_passwd -b passwords "$LOGIN" "$PASSWORD"
              chatt-genpass --env plop > chatt.env     # USER=… and PASS=… for chatt-server

            Two schemes (SPEC.md): 'legacy', the original's, the default here and exact for \
            existing chats and password files; and 'strong', for new chats, which needs the \
            chat's salt (run.sh keeps it in DATA_DIR/scheme-salt, the page shows it in its \
            chatt-scheme-salt meta tag):

              chatt-genpass --scheme strong --salt "$(cat data/scheme-salt)" plop

            The legacy login gives the password away (it comes from a seed below 2^31; a \
            brute force finds it in about a minute), so keep the login as secret as the \
            password. The strong login does not, but it still lets anyone test guesses of \
            the passphrase offline: keep it secret too.

            With no passphrase, or '-', it is read from standard input (one trailing \
            newline removed), so it stays out of the shell history. A passphrase too long \
            for the original derivation is refused with exit status 2.
            """)

    @Argument(help: "The passphrase; '-' or nothing reads it from standard input.")
    var passphrase: String?

    @Option(help: ArgumentHelp("The derivation: legacy (the original's) or strong (new chats; needs --salt).",
                               valueName: "legacy|strong"))
    var scheme: SchemeName = .legacy

    // Unconditional: a salt is base64url, so one in 64 begins with '-' and must not be
    // taken for an option (`--salt -Xo…` failed with "Missing value for '--salt'").
    @Option(parsing: .unconditional,
            help: ArgumentHelp("The chat's salt for --scheme strong: base64url of 16 bytes (22 characters).",
                               valueName: "salt"))
    var salt: String?

    @Flag(help: "Print {\"login\": …, \"password\": …} instead.")
    var json = false

    @Flag(help: "Print USER=… and PASS=… lines for an environment file instead.")
    var env = false

    func validate() throws {
        if json && env { throw ValidationError("choose one of --json and --env") }
        if scheme == .legacy, salt != nil {
            throw ValidationError("--salt is for --scheme strong; the legacy scheme has no salt")
        }
        _ = try credentialScheme()
    }

    /// The scheme the options name; a missing or malformed salt is a usage error.
    func credentialScheme() throws -> CredentialScheme {
        do {
            return try CredentialScheme(name: scheme.rawValue, salt: salt)
        } catch .missingSalt {
            throw ValidationError("--scheme strong needs --salt SALT, the chat's salt (run.sh keeps it in DATA_DIR/scheme-salt)")
        } catch .unknownName(let name) {
            throw ValidationError("--scheme: expected legacy or strong, got \(name)")
        } catch {
            throw ValidationError("--salt: \(error)")
        }
    }

    func run() throws {
        let scheme = try credentialScheme()
        let input = passphrase == nil || passphrase == "-" ? readStandardInput() : passphrase ?? ""
        do {
            let pair = try scheme.credentials(passphrase: input)
            print(GenpassOutput(json: json, env: env).render(pair), terminator: "")
        } catch {
            FileHandleStderr.write("chatt-genpass: \(error)\n")
            throw ExitCode(2)
        }
    }
}

/// The values of `--scheme`.
enum SchemeName: String, ExpressibleByArgument, CaseIterable {
    case legacy, strong
}
