#!/usr/bin/env python3
"""Makes the app's icons: web/static/img/icon.svg and icon-192.png, icon-512.png.

The smiley of the page's favicon on a full square (so the PNGs work as maskable icons: the
face stays inside the safe circle). Standard library only: the PNGs are drawn with 4x4
supersampling and written with zlib. Run from anywhere: python3 web/tools/make-icons.py
"""
import math
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'static', 'img')

BACK = (0x1a, 0x62, 0xd3)
FACE = (0xff, 0xcc, 0x4d)
RIM = (0xc2, 0x8a, 0x00)
INK = (0x4a, 0x30, 0x00)

# Shapes in a 100x100 box: face circle, rim width, eyes, mouth (quadratic curve).
SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
<rect width="100" height="100" fill="#1a62d3"/>
<circle cx="50" cy="50" r="30" fill="#ffcc4d" stroke="#c28a00" stroke-width="3"/>
<circle cx="40" cy="42" r="4" fill="#4a3000"/>
<circle cx="60" cy="42" r="4" fill="#4a3000"/>
<path d="M36 56 Q50 70 64 56" fill="none" stroke="#4a3000" stroke-width="4" stroke-linecap="round"/>
</svg>
"""


def mouth_distance(x, y):
    """Distance from (x, y) to the quadratic curve M36 56 Q50 70 64 56 (sampled)."""
    best = 1e9
    for i in range(41):
        t = i / 40
        px = (1 - t) ** 2 * 36 + 2 * (1 - t) * t * 50 + t * t * 64
        py = (1 - t) ** 2 * 56 + 2 * (1 - t) * t * 70 + t * t * 56
        best = min(best, math.hypot(x - px, y - py))
    return best


def colour_at(x, y):
    d = math.hypot(x - 50, y - 50)
    if d > 31.5:
        return BACK
    if d > 28.5:
        return RIM
    if math.hypot(x - 40, y - 42) <= 4 or math.hypot(x - 60, y - 42) <= 4:
        return INK
    if 50 < y < 66 and mouth_distance(x, y) <= 2:
        return INK
    return FACE


def png(size):
    sub = 4
    rows = []
    for j in range(size):
        row = bytearray([0])
        for i in range(size):
            r = g = b = 0
            for sj in range(sub):
                for si in range(sub):
                    c = colour_at((i + (si + .5) / sub) * 100 / size, (j + (sj + .5) / sub) * 100 / size)
                    r += c[0]; g += c[1]; b += c[2]
            n = sub * sub
            row += bytes((round(r / n), round(g / n), round(b / n)))
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)

    header = struct.pack('>IIBBBBB', size, size, 8, 2, 0, 0, 0)
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header)
            + chunk(b'IDAT', zlib.compress(b''.join(rows), 9)) + chunk(b'IEND', b''))


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'icon.svg'), 'w', encoding='utf-8') as f:
        f.write(SVG)
    for size in (192, 512):
        with open(os.path.join(OUT, f'icon-{size}.png'), 'wb') as f:
            f.write(png(size))


if __name__ == '__main__':
    main()
