#!/usr/bin/env python3
"""Writes web/static/snd/bell.wav: a short two-partial bell, 8 kHz, 8-bit mono (a few KB)."""
import math
import pathlib
import struct

RATE = 8000
SECONDS = 0.45
out = pathlib.Path(__file__).resolve().parent.parent / "static" / "snd" / "bell.wav"

samples = bytearray()
for i in range(int(RATE * SECONDS)):
    t = i / RATE
    envelope = math.exp(-t * 9) * min(1.0, t * 400)
    value = 0.6 * math.sin(2 * math.pi * 1318.5 * t) + 0.3 * math.sin(2 * math.pi * 2637 * t * 1.002)
    samples.append(128 + int(max(-1.0, min(1.0, value * envelope)) * 110))

header = b"RIFF" + struct.pack("<I", 36 + len(samples)) + b"WAVE"
header += b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, RATE, RATE, 1, 8)
header += b"data" + struct.pack("<I", len(samples))
out.write_bytes(header + bytes(samples))
print(f"wrote {out} ({len(header) + len(samples)} bytes)")
