"""NumPy reference for src/analysis/position.cpp, written as a golden JSON the C++ tests read.

From shipped weight files (read with NumPy, no torch): the cosine similarity of a patch's learned position
embedding with every patch's (tokens.pos_embed, CLS row excluded; ViT paper Fig. 7) for a few patches, and rvit's
relative-bias kernel of a few (layer, head): the table tokens.blocks.{l}.attn.rel_bias[h] rotated by 180 degrees,
so that entry [dr + g - 1, dc + g - 1] is the bias of a key dr rows below and dc columns right of the query.
Computed in float64 from the file's values.

  /usr/bin/python3 tools/analysis_ref/position_ref.py --out FILE     write the golden
  /usr/bin/python3 tools/analysis_ref/position_ref.py --check FILE   recompute FILE's golden and compare
"""
import argparse
import json
import os
import struct
import sys

import numpy as np

VERSION = 1
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
CASES = {  # model -> (patches, [(layer, head)] of rvit kernels)
    "vit_p100": ([0, 27, 63], []),
    "rvit_p100": ([27], [(0, 0), (3, 2), (5, 3)]),
    "hybrid_p100": ([9], []),
}
DTYPES = {"F16": np.float16, "F32": np.float32}


def read_tensors(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        out[name] = np.frombuffer(data[start:end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"]).astype(np.float64)
    return out


def similarity(pos, patch):
    """pos [1, 1 + N, D] -> [g, g] cosine similarity of patch `patch` with every patch."""
    p = pos[0, 1:]
    sims = p @ p[patch] / (np.linalg.norm(p, axis=1) * np.linalg.norm(p[patch]))
    g = int(round(np.sqrt(len(p))))
    return sims.reshape(g, g)


def golden():
    models = {}
    for name, (patches, kernels) in CASES.items():
        t = read_tensors(os.path.join(ROOT, "assets", "models", name + ".safetensors"))
        models[name] = {
            "similarity": [{"patch": p, "map": similarity(t["tokens.pos_embed"], p).tolist()} for p in patches],
            "kernels": [{"layer": l, "head": h,
                         "kernel": t["tokens.blocks.%d.attn.rel_bias" % l][h][::-1, ::-1].tolist()}
                        for l, h in kernels],
        }
    return {"version": VERSION, "models": models}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--out")
    group.add_argument("--check")
    args = ap.parse_args()
    g = golden()
    if args.out:
        with open(args.out, "w") as f:
            json.dump(g, f)
        return 0
    with open(args.check) as f:
        want = json.load(f)
    got = json.loads(json.dumps(g))
    if got != want:
        print("position_ref: %s is stale: regenerate it with --out" % args.check)
        return 1
    print("position_ref: %s is current" % args.check)
    return 0


if __name__ == "__main__":
    sys.exit(main())
