"""Small random-weight weight files for the CLI tests (tests/cli), written with the PyTorch reference models
and the checkpoint writer of tools/train, plus what the reference computes on Fashion-MNIST test image 0.

  /usr/bin/python3 tools/analysis_ref/make_test_models.py --out DIR

DIR/{vit,cnn,hybrid}_tiny.safetensors (F32, untrained: the CLI tests check plumbing and shapes, not accuracy)
DIR/expected.json: per model, the softmax probabilities and the attention probs' shape for test image 0.
"""
import argparse
import gzip
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train"))
import checkpoint  # noqa: E402
import models  # noqa: E402

TINY = {
    "vit": dict(image_size=32, in_channels=1, patch=4, dim=32, depth=2, heads=2, mlp_hidden=64, num_classes=10),
    "cnn": dict(image_size=32, in_channels=1, stem_width=8, widths=[8, 16], strides=[1, 2], blocks=[1, 1],
                num_classes=10),
    "hybrid": dict(image_size=32, in_channels=1, stem_width=8, widths=[8, 16], strides=[2, 2], blocks=[1, 1],
                   dim=32, depth=2, heads=2, mlp_hidden=64, num_classes=10),
}
DATA = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"


def first_test_image():
    with gzip.open(DATA, "rb") as f:
        raw = f.read(16 + 28 * 28)
    return np.frombuffer(raw[16:], dtype=np.uint8).reshape(1, 28, 28).copy()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)
    x = checkpoint.preprocess(first_test_image())
    expected = {}
    for arch, cfg in TINY.items():
        model = models.build(arch, cfg, fold_bn=True).eval()
        meta = checkpoint.make_meta(arch, cfg, {"fraction": 0.0, "samples": 0, "recipe": "untrained test model"})
        checkpoint.save(os.path.join(args.out, arch + "_tiny.safetensors"), model.state_dict(), meta, dtype="F32")
        trace = {}
        with torch.no_grad():
            probs = model(x, trace).softmax(-1)[0]
        expected[arch] = {"probs": probs.tolist(),
                          "attn_shape": list(trace["blocks.0.attn.probs"].shape) if arch != "cnn" else None,
                          "traced": sorted(trace)}
    with open(os.path.join(args.out, "expected.json"), "w") as f:
        json.dump(expected, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
