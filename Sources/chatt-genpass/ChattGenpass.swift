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

            With no passphrase, or '-', it is read from standard input (one trailing \
            newline removed), so it stays out of the shell history. A passphrase too long \
            for the original derivation is refused with exit status 2.
            """)

    @Argument(help: "The passphrase; '-' or nothing reads it from standard input.")
    var passphrase: String?

    @Flag(help: "Print {\"login\": …, \"password\": …} instead.")
    var json = false

    @Flag(help: "Print USER=… and PASS=… lines for an environment file instead.")
    var env = false

    func validate() throws {
        if json && env { throw ValidationError("choose one of --json and --env") }
    }

    func run() throws {
        let input = passphrase == nil || passphrase == "-" ? readStandardInput() : passphrase ?? ""
        do {
            let pair = try LegacyCredentials(passphrase: input)
            print(GenpassOutput(json: json, env: env).render(pair), terminator: "")
        } catch {
            FileHandleStderr.write("chatt-genpass: \(error)\n")
            throw ExitCode(2)
        }
    }
}
