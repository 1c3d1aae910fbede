import ChatTestSupport
import Foundation
import Testing

@Suite("chatt-fuzz")
struct FuzzReplayTests {
    @Test("a plain build replays the seed corpus of scripts/fuzz.sh through the parsers")
    func replaysCorpus() async throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../fuzz/corpus").standardizedFileURL
        let seeds = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted().map { corpus.appendingPathComponent($0).path }
        #expect(!seeds.isEmpty)
        let run = try await runProduct("chatt-fuzz", seeds)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.split(separator: "\n").count == seeds.count)
    }
}
