#!/usr/bin/env python3
"""Writes themes/default/static/favicon.ico: the header's brand mark (base.html's
<svg class="brand-mark">: a dark red square with a gold border, a white bookmark
with two red lines) drawn at 16, 32 and 48 px, each a PNG inside the .ico.
Standard library only; run again only to change the icon:

    python3 themes/make_favicon.py
"""
import pathlib
import struct
import zlib

OUT = pathlib.Path(__file__).resolve().parent / "default/static/favicon.ico"
RED, GOLD, WHITE, LINE = (0x8E, 0x14, 0x14), (0xC9, 0xA2, 0x27), (0xFF, 0xFF, 0xFF), (0xB7, 0x1C, 0x1C)
BOOKMARK = [(13, 9), (31, 9), (31, 35), (22, 29), (13, 35)]


def in_rounded_rect(x, y, x0, y0, x1, y1, r):
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        return False
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def in_polygon(x, y, pts):
    inside = False
    for (ax, ay), (bx, by) in zip(pts, pts[1:] + pts[:1]):
        if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
            inside = not inside
    return inside


def colour(x, y):
    """The mark's colour at (x, y) in its 44 × 44 viewBox, or None outside it."""
    if not in_rounded_rect(x, y, 0.5, 0.5, 43.5, 43.5, 4):
        return None
    if not in_rounded_rect(x, y, 2.5, 2.5, 41.5, 41.5, 2):
        return GOLD
    for ly in (15, 20):
        if 15.9 <= x <= 28.1 and ly - 1.1 <= y <= ly + 1.1:
            return LINE
    return WHITE if in_polygon(x, y, BOOKMARK) else RED


def png(size, samples=4):
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            acc, n = [0, 0, 0], 0
            for sy in range(samples):
                for sx in range(samples):
                    c = colour((px + (sx + 0.5) / samples) * 44 / size, (py + (sy + 0.5) / samples) * 44 / size)
                    if c:
                        acc = [a + b for a, b in zip(acc, c)]
                        n += 1
            rgb = [round(a / n) for a in acc] if n else [0, 0, 0]
            row += bytes(rgb + [round(255 * n / samples ** 2)])
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")


def main():
    images = [(s, png(s)) for s in (16, 32, 48)]
    head = struct.pack("<HHH", 0, 1, len(images))
    offset = len(head) + 16 * len(images)
    entries, data = b"", b""
    for size, img in images:
        entries += struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(img), offset + len(data))
        data += img
    OUT.write_bytes(head + entries + data)
    print(OUT, OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
