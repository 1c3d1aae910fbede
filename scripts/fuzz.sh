#!/usr/bin/env bash
# Fuzzes ChatCore's topic and payload parsing and memorize's line parser with libFuzzer
# (target: Sources/chatt-fuzz), under AddressSanitizer.
# Usage: scripts/fuzz.sh [seconds]     (default 30; run it for an hour by hand now and then)
# Extra arguments after the seconds go to libFuzzer, e.g. scripts/fuzz.sh 600 -jobs=2.
# The build goes to .build-fuzz (its own scratch path: the sanitizer flags must not mix
# with the normal build); new inputs worth keeping go to .build-fuzz/corpus, seeded from
# fuzz/corpus. A crash leaves crash-* here; replay it without sanitizers with
#   swift run chatt-fuzz crash-<hash>
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true

runtime=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")/lib/clang
fuzzer_lib=$(find "$runtime" -name 'libclang_rt.fuzzer_no_main-x86_64.a' -o -name 'libclang_rt.fuzzer_no_main.a' 2>/dev/null | head -n 1)
if [[ -z "$fuzzer_lib" ]]; then
    echo "fuzz.sh: libclang_rt.fuzzer_no_main not found under $runtime (a Swift toolchain for Linux ships it)" >&2
    exit 1
fi

# SwiftPM links its own main into an executable, so the target starts libFuzzer itself
# (LLVMFuzzerRunDriver) and links libFuzzer without its main; -sanitize=fuzzer would
# bring a second main.
mkdir -p .build-fuzz
echo "== building chatt-fuzz (ASan + coverage) in .build-fuzz"
swift build -c debug --scratch-path .build-fuzz --product chatt-fuzz \
    -Xswiftc -sanitize=address \
    -Xswiftc -sanitize-coverage=edge,trace-cmp,indirect-calls,inline-8bit-counters,pc-table \
    -Xswiftc -DCHATT_FUZZ \
    -Xlinker "$fuzzer_lib" -Xlinker -lstdc++ >.build-fuzz/build.log 2>&1 || build_failed=1
# gold warns once per ASan helper symbol; nothing to act on.
grep -v "Cannot export local symbol" .build-fuzz/build.log | tail -n 20
[[ -z "${build_failed:-}" ]] || { echo "fuzz.sh: the build failed" >&2; exit 1; }
binary=.build-fuzz/debug/chatt-fuzz

mkdir -p .build-fuzz/corpus
echo "== fuzzing for ${seconds}s"
# Swift's own crash backtracer would stop libFuzzer from saving the crashing input.
SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 \
    "$binary" -max_total_time="$seconds" -max_len=4096 -timeout=10 -print_final_stats=1 \
    "$@" .build-fuzz/corpus fuzz/corpus
