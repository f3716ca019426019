"""Writes the hand-made seed inputs of the fuzz targets (tests/fuzz) into tests/fuzz/corpus/<target>/.

  /usr/bin/python3 tools/fuzz/make_seeds.py [--out tests/fuzz/corpus]

fuzz_safetensors: tiny models of each family (8x8 input, a few hundred weights: a forward pass costs microseconds),
written by the PyTorch reference and tools/train/checkpoint.py (F32 and F16), and broken variants (truncated,
header length past the end, offsets out of range, bad JSON, a tensor missing).
fuzz_idx: raw and gzip IDX files (images [2, 3, 3], labels [2]) and broken ones (bad magic, truncated, bad CRC).
fuzz_image: PNG (gray, gray + alpha, RGB; dark and light background; wide and tall), PGM, and broken ones (truncated, text).
The JPEG and GIF seeds (corpus/fuzz_image/cpython_test.{jpg,gif}, 16x16) are CPython's test images
(Lib/test/test_email/data/python.{jpg,gif}, PSF license), committed as they are: nothing this project installs
writes JPEG or GIF.
fuzz_link: links of the browser and UI tests (tests/browser/*.mjs, tests/ui/lab_test.cpp), good and bad.
fuzz_cli_args: argv lines ('\\n'-separated) for `vitcnn rf` and the lab programs.
"""
import argparse
import gzip
import json
import os
import struct
import sys
import zlib

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train"))
import checkpoint  # noqa: E402
import models  # noqa: E402

TINY = {
    "vit": dict(image_size=8, in_channels=1, patch=4, dim=4, depth=1, heads=2, mlp_hidden=4, num_classes=2),
    "rvit": dict(image_size=8, in_channels=1, patch=4, dim=4, depth=1, heads=2, mlp_hidden=4, num_classes=2,
                 rel_bias_init="locality"),
    "cnn": dict(image_size=8, in_channels=1, stem_width=2, widths=[2, 4], strides=[1, 2], blocks=[1, 1],
                num_classes=2),
    "hybrid": dict(image_size=8, in_channels=1, stem_width=2, widths=[2], strides=[2], blocks=[1], dim=4, depth=1,
                   heads=1, mlp_hidden=4, num_classes=2),
}


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def tiny_model_bytes(arch, dtype, tmp):
    os.makedirs(os.path.dirname(tmp), exist_ok=True)
    cfg = TINY[arch]
    model = models.build(arch, cfg, fold_bn=True).eval()
    meta = checkpoint.make_meta(arch, cfg, {"fraction": 0.0, "samples": 0, "recipe": "fuzz seed"})
    meta["class_names"] = ["a", "b"]
    meta["input"] = {"size": 8, "pad": 0, "mean": 0.25, "std": 0.5}
    checkpoint.save(tmp, model.state_dict(), meta, dtype=dtype)
    with open(tmp, "rb") as f:
        data = f.read()
    os.remove(tmp)
    return data


def safetensors_seeds(out):
    d = os.path.join(out, "fuzz_safetensors")
    torch.manual_seed(0)
    for arch in TINY:
        for dtype in ("F32", "F16"):
            write(os.path.join(d, "%s_%s.safetensors" % (arch, dtype.lower())),
                  tiny_model_bytes(arch, dtype, os.path.join(d, "tmp.safetensors")))
    good = tiny_model_bytes("vit", "F32", os.path.join(d, "tmp.safetensors"))
    (n,) = struct.unpack("<Q", good[:8])
    header = json.loads(good[8:8 + n])
    write(os.path.join(d, "bad_truncated.safetensors"), good[:len(good) // 2])
    write(os.path.join(d, "bad_header_past_end.safetensors"), struct.pack("<Q", len(good)) + good[8:])
    write(os.path.join(d, "bad_json.safetensors"), good[:8] + b"{" + good[9:])

    def with_header(h):
        head = json.dumps(h, separators=(",", ":")).encode()
        head += b" " * (-len(head) % 8)
        return struct.pack("<Q", len(head)) + head + good[8 + n:]

    first = sorted(k for k in header if k != "__metadata__")[0]
    moved = json.loads(json.dumps(header))
    moved[first]["data_offsets"] = [len(good), len(good) + 16]
    write(os.path.join(d, "bad_offsets.safetensors"), with_header(moved))
    missing = json.loads(json.dumps(header))
    del missing[first]
    write(os.path.join(d, "bad_missing_tensor.safetensors"), with_header(missing))
    write(os.path.join(d, "empty_header.safetensors"), struct.pack("<Q", 2) + b"{}")


def idx_seeds(out):
    d = os.path.join(out, "fuzz_idx")
    images = bytes([0, 0, 8, 3]) + struct.pack(">III", 2, 3, 3) + bytes(range(18))
    labels = bytes([0, 0, 8, 1]) + struct.pack(">I", 2) + bytes([3, 7])
    write(os.path.join(d, "images.idx"), images)
    write(os.path.join(d, "labels.idx"), labels)
    write(os.path.join(d, "images.idx.gz"), gzip.compress(images, mtime=0))
    write(os.path.join(d, "labels.idx.gz"), gzip.compress(labels, mtime=0))
    write(os.path.join(d, "empty_dims.idx"), bytes([0, 0, 8, 2]) + struct.pack(">II", 0, 5))
    write(os.path.join(d, "bad_magic.idx"), bytes([1, 0, 8, 1]) + struct.pack(">I", 2) + bytes([3, 7]))
    write(os.path.join(d, "bad_truncated.idx"), images[:20])
    write(os.path.join(d, "bad_huge_dims.idx"), bytes([0, 0, 8, 3]) + struct.pack(">III", 1 << 31, 1 << 31, 9))
    gz = bytearray(gzip.compress(images, mtime=0))
    gz[-8] ^= 0xFF  # CRC
    write(os.path.join(d, "bad_crc.idx.gz"), bytes(gz))
    write(os.path.join(d, "bad_truncated.idx.gz"), gzip.compress(images, mtime=0)[:-6])


def png(width, height, color_type, rows):
    """color_type 0 gray, 4 gray + alpha, 2 RGB; rows: bytes per row without the filter byte."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def image_seeds(out):
    d = os.path.join(out, "fuzz_image")
    dark = [bytes(255 if 2 <= x <= 5 and 2 <= y <= 5 else 0 for x in range(8)) for y in range(8)]
    write(os.path.join(d, "gray_dark.png"), png(8, 8, 0, dark))
    write(os.path.join(d, "gray_light.png"), png(8, 8, 0, [bytes(255 - v for v in r) for r in dark]))
    write(os.path.join(d, "gray_alpha.png"), png(4, 4, 4, [bytes(v for x in range(4) for v in (x * 60, y * 80))
                                                           for y in range(4)]))
    write(os.path.join(d, "rgb_wide.png"), png(12, 3, 2, [bytes((x * 20 + c * 40) % 256 for x in range(12)
                                                                for c in range(3)) for _ in range(3)]))
    write(os.path.join(d, "tall.png"), png(1, 40, 0, [bytes([v * 6]) for v in range(40)]))
    write(os.path.join(d, "gray.pgm"), b"P5\n4 4\n255\n" + bytes(range(0, 256, 16)))
    write(os.path.join(d, "bad_truncated.png"), png(8, 8, 0, dark)[:40])
    write(os.path.join(d, "bad_text.png"), b"this is not an image\n")


LINKS = [
    "tab=attention&attn.model=hybrid&attn.data=p010&attn.cell=2.1&attn.rollout=1&attn.compare=none&attn.avg=300",
    "tab=attention&attn.model=resnet&attn.data=p050&attn.cell=x.1&attn.compare=p7&attn.avg=-3",
    "tab=attention&attn.model=rvit&attn.control=p100",
    "tab=compare&cmp.acc=10&cmp.measure=maybe&cmp.acc=-4",
    "tab=compare&rf.model=hybrid&attn.model=cnn",
    "tab=receptive_field&rf.model=vit&rf.data=p010&rf.layer=blocks.1&rf.unit=2,3&rf.avg=300",
    "tab=receptive_field&rf.untrained=1&rf.layer=stem&rf.unit=4,24&rf.others=1",
    "tab=receptive_field&rf.calc=3-1-1,3-2-1,5-1-2&rf.unit=cls",
    "tab=receptive_field&rf.calc=&unknown=1&",
    "tab=representations&repr.a=cnn_p010&repr.b=rvit_p001&repr.n=100&repr.skip_model=hybrid_p030&repr.skip_n=200",
    "tab=representations&repr.a=foo_p100&repr.b=vit_p007&repr.n=300&repr.k=9&repr.eq=2&repr.skip_n=x",
    "tab=representations&repr.b=vit_p100&repr.n=100&repr.cka=1&repr.skip=1&repr.eq_n=20&repr.eq=1",
    "tab=nonsense",
    "",
    "&&==&tab&=",
]

ARGV = [
    "--model\nm.safetensors\n--layer\nstages.1.0\n--unit\n3,5\n--images\n10",
    "--model=m.safetensors\n--cls\n--untrained\n--seed=7\n--test-index\n3",
    "--model\n--bogus\n--cls=1\npositional",
    "--lang\nko\n--view\ntab=attention&attn.cell=1.2\n--frames\n3\n--size\n800x600",
    "--help\n--screenshot\nout.png\n--assets\nbuild-wasm/web/assets\n--size\nx",
    "--frames\n0\n--size\n99999x1\n--lang\nfr",
    "--test-index\x00-1\x00--seed\x0099999999999",
]


def text_seeds(out, target, items, ext):
    d = os.path.join(out, target)
    for i, text in enumerate(items):
        write(os.path.join(d, "seed%02d.%s" % (i, ext)), text.encode())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests",
                                                  "fuzz", "corpus"))
    args = ap.parse_args()
    safetensors_seeds(args.out)
    idx_seeds(args.out)
    image_seeds(args.out)
    text_seeds(args.out, "fuzz_link", LINKS, "link")
    text_seeds(args.out, "fuzz_cli_args", ARGV, "argv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
