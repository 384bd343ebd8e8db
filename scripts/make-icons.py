#!/usr/bin/env python3
"""Regenerate the CMU Studio app icon set from icons/icon.svg.

Outputs (Tauri 2 bundle conventions), all written to icons/:
  32x32.png, 128x128.png, 128x128@2x.png (256), icon.png (512),
  Square{30,44,71,89,107,142,150,284,310}x...Logo.png, StoreLogo.png (50),
  icon.ico  (PNG-compressed entries: 16, 24, 32, 48, 64, 256),
  icon.icns (PNG chunks: ic11 32, ic12 64, ic07 128, ic08 256,
             ic13 256, ic09 512, ic14 512, ic10 1024).

Every PNG is guaranteed to be 8-bit RGBA (colour type 6): Tauri's
generate_context! macro panics on anything else.  The rasteriser is
`rsvg-convert` (Debian/Ubuntu: apt-get install librsvg2-bin); everything
else uses only the Python standard library.

Usage: python3 scripts/make-icons.py [--svg PATH] [--out DIR]
"""

import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ICONS = os.path.join(ROOT, "icons")

PNG_SIG = b"\x89PNG\r\n\x1a\n"

# file name -> pixel size
PNG_OUTPUTS = {
    "32x32.png": 32,
    "128x128.png": 128,
    "128x128@2x.png": 256,
    "icon.png": 512,
    "Square30x30Logo.png": 30,
    "Square44x44Logo.png": 44,
    "Square71x71Logo.png": 71,
    "Square89x89Logo.png": 89,
    "Square107x107Logo.png": 107,
    "Square142x142Logo.png": 142,
    "Square150x150Logo.png": 150,
    "Square284x284Logo.png": 284,
    "Square310x310Logo.png": 310,
    "StoreLogo.png": 50,
}

ICO_SIZES = [16, 24, 32, 48, 64, 256]

# (OSType, pixel size) -- all PNG-payload types.
ICNS_CHUNKS = [
    (b"ic11", 32),    # 16x16@2x
    (b"ic12", 64),    # 32x32@2x
    (b"ic07", 128),   # 128x128
    (b"ic08", 256),   # 256x256
    (b"ic13", 256),   # 128x128@2x
    (b"ic09", 512),   # 512x512
    (b"ic14", 512),   # 256x256@2x
    (b"ic10", 1024),  # 512x512@2x
]


# --------------------------------------------------------------------------
# PNG helpers (stdlib only)
# --------------------------------------------------------------------------

def png_chunks(data):
    if data[:8] != PNG_SIG:
        raise ValueError("not a PNG file")
    pos = 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        ctype = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        yield ctype, body
        pos += 12 + length
        if ctype == b"IEND":
            break


def png_ihdr(data):
    """Return (width, height, bit_depth, colour_type, interlace)."""
    if data[:8] != PNG_SIG or data[12:16] != b"IHDR":
        raise ValueError("not a PNG file (missing IHDR)")
    w, h, depth, ctype, _comp, _filt, interlace = struct.unpack(
        ">IIBBBBB", data[16:29])
    return w, h, depth, ctype, interlace


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def png_to_rgba8(data):
    """Re-encode any 8-bit, non-interlaced PNG as 8-bit RGBA (colour type 6).

    Used only as a fallback if the rasteriser ever emits something other
    than RGBA8.
    """
    w, h, depth, ctype, interlace = png_ihdr(data)
    if depth != 8 or interlace != 0:
        raise ValueError(
            "fallback converter supports only 8-bit non-interlaced PNGs "
            "(got depth=%d interlace=%d)" % (depth, interlace))
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
    palette, trns, idat = b"", b"", b""
    for t, body in png_chunks(data):
        if t == b"PLTE":
            palette = body
        elif t == b"tRNS":
            trns = body
        elif t == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride = w * channels
    bpp = channels
    out = bytearray()
    prev = bytearray(stride)
    pos = 0
    for _ in range(h):
        ftype = raw[pos]
        line = bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xFF
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xFF
            elif ftype == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 0xFF
            elif ftype == 4:
                line[i] = (line[i] + _paeth(a, b, c)) & 0xFF
        for x in range(w):
            px = line[x * channels:(x + 1) * channels]
            if ctype == 6:
                out += px
            elif ctype == 2:
                alpha = 255
                if len(trns) == 6 and bytes(px) == bytes(trns[1::2]):
                    alpha = 0
                out += px + bytes([alpha])
            elif ctype == 0:
                alpha = 0 if len(trns) == 2 and px[0] == trns[1] else 255
                out += bytes([px[0]] * 3 + [alpha])
            elif ctype == 4:
                out += bytes([px[0]] * 3 + [px[1]])
            elif ctype == 3:
                idx = px[0]
                rgb = palette[idx * 3:idx * 3 + 3]
                alpha = trns[idx] if idx < len(trns) else 255
                out += rgb + bytes([alpha])
        prev = line
    return encode_rgba_png(w, h, bytes(out))


def _chunk(ctype, body):
    return (struct.pack(">I", len(body)) + ctype + body
            + struct.pack(">I", zlib.crc32(ctype + body) & 0xFFFFFFFF))


def encode_rgba_png(w, h, rgba):
    rows = b"".join(b"\x00" + rgba[y * w * 4:(y + 1) * w * 4]
                    for y in range(h))
    return (PNG_SIG
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(rows, 9))
            + _chunk(b"IEND", b""))


def ensure_rgba8(data, size):
    w, h, depth, ctype, _ = png_ihdr(data)
    if (w, h) != (size, size):
        raise ValueError("rasteriser produced %dx%d, expected %dx%d"
                         % (w, h, size, size))
    if depth == 8 and ctype == 6:
        return data
    print("  note: %dpx render was depth=%d colour-type=%d; re-encoding "
          "as RGBA8" % (size, depth, ctype))
    data = png_to_rgba8(data)
    assert png_ihdr(data)[2:4] == (8, 6)
    return data


# --------------------------------------------------------------------------
# Rasterising
# --------------------------------------------------------------------------

def find_rsvg():
    exe = shutil.which("rsvg-convert")
    if not exe:
        sys.stderr.write(
            "error: `rsvg-convert` not found on PATH.\n"
            "  Install it with:  apt-get install -y --no-install-recommends "
            "librsvg2-bin\n"
            "  (macOS: brew install librsvg)\n")
        sys.exit(2)
    return exe


def render(rsvg, svg, size, tmpdir):
    out = os.path.join(tmpdir, "r%d.png" % size)
    subprocess.run([rsvg, "--format=png", "--keep-aspect-ratio",
                    "-w", str(size), "-h", str(size), "-o", out, svg],
                   check=True)
    with open(out, "rb") as f:
        return ensure_rgba8(f.read(), size)


# --------------------------------------------------------------------------
# Containers
# --------------------------------------------------------------------------

def build_ico(images):
    """images: list of (size, png_bytes). PNG-compressed ICO entries."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images:
        dim = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32,
                               len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def build_icns(chunks):
    """chunks: list of (ostype, png_bytes). Big-endian lengths include
    the 8-byte headers."""
    body = b"".join(t + struct.pack(">I", 8 + len(p)) + p for t, p in chunks)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--svg", default=os.path.join(ICONS, "icon.svg"))
    ap.add_argument("--out", default=ICONS)
    args = ap.parse_args()

    if not os.path.isfile(args.svg):
        sys.exit("error: source SVG not found: %s" % args.svg)
    rsvg = find_rsvg()
    os.makedirs(args.out, exist_ok=True)

    sizes = (set(PNG_OUTPUTS.values()) | set(ICO_SIZES)
             | {s for _, s in ICNS_CHUNKS})
    with tempfile.TemporaryDirectory() as tmp:
        renders = {s: render(rsvg, args.svg, s, tmp) for s in sorted(sizes)}

    def write(name, data):
        path = os.path.join(args.out, name)
        with open(path, "wb") as f:
            f.write(data)
        print("  %-24s %8d bytes" % (name, len(data)))

    print("Writing icons to %s" % args.out)
    for name, size in PNG_OUTPUTS.items():
        write(name, renders[size])
    write("icon.ico", build_ico([(s, renders[s]) for s in ICO_SIZES]))
    write("icon.icns", build_icns([(t, renders[s]) for t, s in ICNS_CHUNKS]))

    # Final self-check: every PNG we wrote is 8-bit RGBA at the right size.
    for name, size in PNG_OUTPUTS.items():
        with open(os.path.join(args.out, name), "rb") as f:
            w, h, depth, ctype, _ = png_ihdr(f.read(29))
        if (w, h, depth, ctype) != (size, size, 8, 6):
            sys.exit("error: %s is %dx%d depth=%d colour-type=%d"
                     % (name, w, h, depth, ctype))
    print("OK: all PNGs are 8-bit RGBA (colour type 6).")


if __name__ == "__main__":
    main()
