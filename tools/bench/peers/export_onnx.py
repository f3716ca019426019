"""Exports the three p100 checkpoints to ONNX for the peer benchmark (tools/bench/peers/peers.mjs runs it).

For each NAME in vit_p100, cnn_p100, hybrid_p100 writes into OUT:
  NAME.onnx      the exported (BN-folded) model, input "x" [B, 1, 32, 32] float32 -> "logits" [B, 10], B dynamic
  NAME.ref.json  {"images": 4, "logits": [[...10 floats...] x 4]}: PyTorch's logits of the first 4 test images,
                 for the parity check in the page
The export traces batch 2, so the page's parity check at batch 4 also checks that the batch axis stayed dynamic.
Runs on Debian's CPU torch 1.13 (its exporter needs no `onnx` package):
  /usr/bin/python3 tools/bench/peers/export_onnx.py --out build-wasm/peers [--models assets/models]
"""
import argparse
import json
import os
import sys
import warnings

import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))
import checkpoint  # noqa: E402
import data  # noqa: E402

NAMES = ["vit_p100", "cnn_p100", "hybrid_p100"]
OPSET = 17  # the newest torch 1.13 knows; LayerNorm exports as one LayerNormalization node
PARITY_IMAGES = 4
TRACE_BATCH = 2


def export(model, path):
    """model: x [B, 1, 32, 32] -> logits [B, 10]; written with B as a dynamic axis."""
    x = torch.zeros(TRACE_BATCH, 1, 32, 32)
    # Attention's 1/sqrt(head dim) is traced as a constant: right, the head dim is fixed by the config.
    warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
    torch.onnx.export(model, (x,), path, opset_version=OPSET, input_names=["x"], output_names=["logits"],
                      dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}})


@torch.no_grad()
def reference_logits(model, images_u8):
    """uint8 [N, 28, 28] -> PyTorch's logits [N, 10] as nested lists."""
    return model(checkpoint.preprocess(images_u8)).tolist()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--models", default=os.path.join(ROOT, "assets", "models"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    images, _ = data.load("test")
    for name in NAMES:
        model, _ = checkpoint.load_model(os.path.join(args.models, name + ".safetensors"))
        export(model, os.path.join(args.out, name + ".onnx"))
        ref = {"images": PARITY_IMAGES, "logits": reference_logits(model, images[:PARITY_IMAGES])}
        with open(os.path.join(args.out, name + ".ref.json"), "w") as f:
            json.dump(ref, f)
        print("export_onnx: %s.onnx, %s.ref.json" % (name, name))


if __name__ == "__main__":
    main()
