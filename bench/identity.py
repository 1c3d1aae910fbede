"""Key derivation at join in the page (run by bench/identity.sh; not a test).

In headless Chromium, the page's identity.js: `deriveIdentity(secret, nick)` as main.js
calls it when a member joins with a personal secret (PBKDF2-HMAC-SHA256 600,000
iterations, HKDF for the two keys, their import), then the signature of the key
announcement the page publishes. A fresh secret each round; the first round warms up and
is left out; the median of ROUNDS is printed with the range.
"""
from __future__ import annotations

import argparse
import statistics
import sys

from web_page import page_in_chromium  # bench/ is the script's folder: on sys.path

GOAL_MS = 1000.0

DERIVE = """
const [secret, done] = arguments;
const { deriveIdentity, signatureInput, signInput } = await import('./static/js/identity.js');
const start = performance.now();
const own = await deriveIdentity(secret, 'alice');
const derived = performance.now();
const ts = Date.now();
await signInput(own, signatureInput('users/alice/key', [ts, own.sign, own.dh]));
const signed = performance.now();
done({ derive: derived - start, total: signed - start, secure: window.isSecureContext });
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    runs = []
    with page_in_chromium() as browser:
        browser.driver.set_script_timeout(120)
        for round_ in range(args.rounds + 1):
            figures = browser.driver.execute_async_script(DERIVE, f"secret number {round_}")
            if not figures["secure"]:
                sys.exit("the page is not a secure context: no WebCrypto Curve25519 here")
            if round_ > 0:
                runs.append(figures)

    derive = [r["derive"] for r in runs]
    total = [r["total"] for r in runs]
    print(f"key derivation at join, headless Chromium, median of {args.rounds} rounds (range)")
    print(f"  derive (PBKDF2 600,000 + HKDF + imports) {statistics.median(derive):7.1f} ms ({min(derive):.1f}–{max(derive):.1f})")
    print(f"  + signing the key announcement          {statistics.median(total):7.1f} ms ({min(total):.1f}–{max(total):.1f})")
    median = statistics.median(total)
    print(f"goal: under {GOAL_MS:.0f} ms: {'met' if median < GOAL_MS else 'NOT met'} ({median:.1f} ms)")


if __name__ == "__main__":
    main()
