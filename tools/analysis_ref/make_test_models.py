"""Small random-weight weight files for the CLI tests (tests/cli), written with the PyTorch reference models
and the checkpoint writer of tools/train, plus what the reference computes on Fashion-MNIST test image 0.

  /usr/bin/python3 tools/analysis_ref/make_test_models.py --out DIR [--archs vit cnn hybrid]

DIR/<arch>_tiny.safetensors (F32, untrained: the CLI tests check plumbing and shapes, not accuracy) for each of
--archs (default vit cnn hybrid; rvit only when named, as ctest's cli_test_models does: its tiny model has the
locality-initialised tables)
DIR/expected.json: per model, the softmax probabilities, the attention probs' shape and the traced names for
test image 0, and (all but cnn) the mean attention distance in px over the first DISTANCE_IMAGES test images,
computed by attention_ref.py from the reference's own attention probs.
"""
import argparse
import gzip
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train"))
import attention_ref  # noqa: E402
import checkpoint  # noqa: E402
import models  # noqa: E402

TINY = {
    "vit": dict(image_size=32, in_channels=1, patch=4, dim=32, depth=2, heads=2, mlp_hidden=64, num_classes=10),
    "cnn": dict(image_size=32, in_channels=1, stem_width=8, widths=[8, 16], strides=[1, 2], blocks=[1, 1],
                num_classes=10),
    "hybrid": dict(image_size=32, in_channels=1, stem_width=8, widths=[8, 16], strides=[2, 2], blocks=[1, 1],
                   dim=32, depth=2, heads=2, mlp_hidden=64, num_classes=10),
    "rvit": dict(image_size=32, in_channels=1, patch=4, dim=32, depth=2, heads=2, mlp_hidden=64, num_classes=10,
                 rel_bias_init="locality"),
}
DEFAULT_ARCHS = ["vit", "cnn", "hybrid"]  # the files of these three stay byte for byte as before rvit
DATA = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
DISTANCE_IMAGES = 8


def first_test_images(n):
    with gzip.open(DATA, "rb") as f:
        raw = f.read(16 + n * 28 * 28)
    return np.frombuffer(raw[16:], dtype=np.uint8).reshape(n, 28, 28).copy()


def attention_probs(model, cfg, x):
    """x [B, 1, S, S] -> the reference's attention probabilities [L, B, H, T, T] and the input px per token cell."""
    trace = {}
    with torch.no_grad():
        model(x, trace)
    probs = np.stack([trace["blocks.%d.attn.probs" % l].cpu().numpy() for l in range(cfg["depth"])])
    grid = int(round(np.sqrt(probs.shape[-1] - 1)))
    return probs, cfg["image_size"] / grid


def mean_distance_px(probs, cell_px):
    """probs [L, B, H, T, T] -> mean over the images of attention_ref.distances, in px ([L, H])."""
    return (np.mean([attention_ref.distances(probs[:, b]) for b in range(probs.shape[1])], axis=0) * cell_px).tolist()


def run_checks(paths, check, errors):
    """The reference checks' driver: check(path) -> (ok, message) per path, one printed line each, an exception of
    the types `errors` counting as a failure. -> the exit status (1 on any failure)."""
    failures = 0
    for path in paths:
        try:
            ok, message = check(path)
        except errors as e:
            ok, message = False, "error: %s" % (getattr(e, "stderr", None) or e)
        print("%-28s %s  %s" % (os.path.basename(path), "ok  " if ok else "FAIL", message))
        failures += not ok
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--archs", nargs="+", default=DEFAULT_ARCHS, choices=list(TINY))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)
    images = checkpoint.preprocess(first_test_images(DISTANCE_IMAGES))
    x = images[:1]
    expected = {}
    for arch in args.archs:
        cfg = TINY[arch]
        model = models.build(arch, cfg, fold_bn=True).eval()
        meta = checkpoint.make_meta(arch, cfg, {"fraction": 0.0, "samples": 0, "recipe": "untrained test model"})
        checkpoint.save(os.path.join(args.out, arch + "_tiny.safetensors"), model.state_dict(), meta, dtype="F32")
        trace = {}
        with torch.no_grad():
            probs = model(x, trace).softmax(-1)[0]
        expected[arch] = {"probs": probs.tolist(),
                          "attn_shape": list(trace["blocks.0.attn.probs"].shape) if arch != "cnn" else None,
                          "traced": sorted(trace)}
        if arch != "cnn":
            expected[arch]["distance_px"] = mean_distance_px(*attention_probs(model, cfg, images))
    with open(os.path.join(args.out, "expected.json"), "w") as f:
        json.dump(expected, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
