#if canImport(Glibc)
import Glibc
#endif

/// The fuzz target of ChatCore's topic and payload parsing and memorize's line parser.
///
/// Built by `scripts/fuzz.sh` with `-sanitize=address`, coverage and `-DCHATT_FUZZ`, it is
/// a libFuzzer binary (libFuzzer's own options: `-max_total_time=60`, a corpus folder, a
/// crash file to replay). Built plainly, as `swift build` does, it replays the files given
/// as arguments, so a crash found by the fuzzer can be debugged without the sanitizers.
@main
struct ChattFuzz {
    static func main() {
        #if CHATT_FUZZ
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            FuzzTarget.run(UnsafeBufferPointer(start: data, count: size))
            return 0
        })
        #else
        for path in CommandLine.arguments.dropFirst() {
            guard let bytes = readFile(path) else {
                print("chatt-fuzz: cannot read \(path)")
                exit(1)
            }
            bytes.withUnsafeBufferPointer { FuzzTarget.run($0) }
            print("\(path): ok")
        }
        #endif
    }

    static func readFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes += chunk[..<count]
        }
        return bytes
    }
}

#if CHATT_FUZZ
/// libFuzzer's driver (from `libclang_rt.fuzzer_no_main`): runs `callback` on each input.
/// SwiftPM gives an executable its own `main`, so libFuzzer's must not be linked; this is
/// how a program with a `main` of its own starts libFuzzer.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32
#endif
