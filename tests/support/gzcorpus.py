#!/usr/bin/env python3
"""Generate the gzip test corpus for gzverify: valid files from gzip, pigz,
pgops' own writer and hand-built headers, then damaged variants of each (bit
flips in header, body and trailer, truncation in every region, trailing
garbage, trailing zeros). Deterministic: the same files every run.

    gzcorpus.py DIR GZWRITE

Writes DIR/*.gz and DIR/MANIFEST (one name per line)."""
import os
import random
import struct
import subprocess
import sys
import zlib

out, gzwrite = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
rng = random.Random(20261122)


def text(n):
    words = [b"INSERT", b"users", b"orders", b"2026-11-22", b"NULL", b"\\N", b"payload", b"{}", b"42"]
    parts, size = [], 0
    while size < n:
        w = rng.choice(words) + (b"\t" if rng.random() < 0.8 else b"\n")
        parts.append(w)
        size += len(w)
    return b"".join(parts)[:n]


def run(cmd, data):
    return subprocess.run(cmd, input=data, stdout=subprocess.PIPE, check=True).stdout


def crafted(data, name=b"dump.sql", comment=b"pgops test", extra=b"AB\x03\x00xyz"):
    """A member with FEXTRA (a foreign subfield), FNAME, FCOMMENT and FHCRC."""
    flg = 0x02 | 0x04 | 0x08 | 0x10
    hdr = b"\x1f\x8b\x08" + bytes([flg]) + struct.pack("<I", 1700000000) + b"\x00\x03"
    hdr += struct.pack("<H", len(extra)) + extra + name + b"\x00" + comment + b"\x00"
    hdr += struct.pack("<H", zlib.crc32(hdr) & 0xFFFF)
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    body = c.compress(data) + c.flush()
    return hdr + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


def header_len(b):
    flg, i = b[3], 10
    if flg & 4:
        i += 2 + struct.unpack("<H", b[10:12])[0]
    for bit in (8, 16):
        if flg & bit:
            i = b.index(b"\x00", i) + 1
    if flg & 2:
        i += 2
    return i


t1, t2 = text(300000), text(120000)
noise = bytes(rng.getrandbits(8) for _ in range(70000))
bases = {
    "gzip6": run(["gzip", "-6", "-c"], t1),
    "gzip1-name": run(["gzip", "-1", "-c", "-N"], t2),
    "gzip9-binary": run(["gzip", "-9", "-n", "-c"], noise),
    "pigz": run(["pigz", "-6", "-c"], t1),
    "pigz-independent": run(["pigz", "-i", "-b", "32", "-c"], t1),
    "ours": run([gzwrite, "-c", "16K", "-j", "2"], t1),
    "ours-tiny-chunks": run([gzwrite, "-c", "1K", "-l", "1"], t2[:9000]),
    "gzip-empty": run(["gzip", "-c"], b""),
    "ours-empty": run([gzwrite], b""),
    "crafted-fhcrc": crafted(t2),
}
bases["concat-mixed"] = bases["gzip1-name"] + bases["ours"] + bases["gzip-empty"]
bases["empty-then-data"] = bases["gzip-empty"] + run(["gzip", "-c"], t2[:5000])

names = []


def emit(name, data):
    with open(os.path.join(out, name + ".gz"), "wb") as f:
        f.write(data)
    names.append(name)


def flip(b, i):
    b = bytearray(b)
    b[i] ^= 1 << rng.randrange(8)
    return bytes(b)


for base, data in bases.items():
    emit(base, data)
    h, n = header_len(data), len(data)
    for k in range(8):
        emit("%s.hdrflip%d" % (base, k), flip(data, rng.randrange(h)))
    if n - 8 > h:
        for k in range(8):
            emit("%s.bodyflip%d" % (base, k), flip(data, rng.randrange(h, n - 8)))
    for k in range(4):
        emit("%s.trlflip%d" % (base, k), flip(data, rng.randrange(n - 8, n)))
    cuts = {0, 1, 2, 5, 9, h - 1} | {n - k for k in range(1, 9)}
    if n - 8 > h:
        cuts |= {rng.randrange(h, n - 8) for _ in range(5)}
    for c in sorted(x for x in cuts if 0 <= x < n):
        emit("%s.cut%d" % (base, c), data[:c])
    emit(base + ".garbage-text", data + b"garbage\n")
    emit(base + ".garbage-byte", data + b"A")
    emit(base + ".garbage-1f", data + b"\x1f")
    emit(base + ".garbage-magic", data + b"\x1f\x8b")
    emit(base + ".zeros1", data + b"\x00")
    emit(base + ".zeros512", data + b"\x00" * 512)
    emit(base + ".zeros-then-x", data + b"\x00" * 100 + b"x")

with open(os.path.join(out, "MANIFEST"), "w") as f:
    f.write("\n".join(names) + "\n")
