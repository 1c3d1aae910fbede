import Foundation

/// The result of running one of the package's executables.
struct ProductRun: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Where `swift build` put the package's executables: beside the test bundle.
let productsDirectory: URL = {
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var directory = testBinary.deletingLastPathComponent()
    // On Linux the runner is `<products>/ChaTTPackageTests.xctest`; on macOS it sits
    // inside the bundle's Contents/MacOS.
    while directory.path != "/" && !FileManager.default.fileExists(atPath: directory.appendingPathComponent("chatt-genpass").path) {
        directory = directory.deletingLastPathComponent()
    }
    return directory
}()

/// Runs an executable of the package with `arguments`, feeding `input` on stdin.
func runProduct(
    _ name: String, _ arguments: [String], input: String? = nil, environment: [String: String]? = nil
) throws -> ProductRun {
    let process = Process()
    process.executableURL = productsDirectory.appendingPathComponent(name)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try stdin.fileHandleForWriting.close()
    // Read both pipes before waiting, so a chatty child cannot block on a full pipe.
    let errData = Mutex<Data>()
    let errReader = Thread { errData.set(stderr.fileHandleForReading.readDataToEndOfFile()) }
    errReader.start()
    let outData = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errData.isSet { Thread.sleep(forTimeInterval: 0.001) }
    return ProductRun(
        status: process.terminationStatus,
        stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData.value ?? Data(), as: UTF8.self))
}

/// A tiny lock-protected box for the stderr reader.
final class Mutex<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value?
    func set(_ value: Value) { lock.withLock { stored = value } }
    var value: Value? { lock.withLock { stored } }
    var isSet: Bool { lock.withLock { stored != nil } }
}
