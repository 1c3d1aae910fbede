#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif

/// Where the page's files (`index.html`, `static/`) are found when no `--web-root` is given.
public enum WebRoot {
    /// The first of these folders that holds `index.html`: `web/` in the current directory,
    /// then `web/` beside the package that built the executable (`<exe>/../../../web`, for
    /// `.build/release/chatt-server`), then `<exe>/../share/chatt/web` for an installed copy.
    /// When none does, `web/` in the current directory (the page then answers 404 and the log
    /// says where it looked).
    ///
    /// - Parameters:
    ///   - currentDirectory: the working directory.
    ///   - executable: the running executable's path, symbolic links resolved.
    public static func locate(currentDirectory: String, executable: String) -> String {
        let candidates = self.candidates(currentDirectory: currentDirectory, executable: executable)
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/index.html") } ?? candidates[0]
    }

    /// The folders ``locate(currentDirectory:executable:)`` looks in, in order.
    public static func candidates(currentDirectory: String, executable: String) -> [String] {
        let executableDirectory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        return [
            URL(fileURLWithPath: currentDirectory).appendingPathComponent("web").standardizedFileURL.path,
            executableDirectory.appendingPathComponent("../../../web").standardizedFileURL.path,
            executableDirectory.appendingPathComponent("../share/chatt/web").standardizedFileURL.path,
        ]
    }

    /// ``locate(currentDirectory:executable:)`` for this process.
    public static func locateForCurrentProcess() -> String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments.first ?? "chatt-server").resolvingSymlinksInPath().path
        return locate(currentDirectory: FileManager.default.currentDirectoryPath, executable: executable)
    }
}
