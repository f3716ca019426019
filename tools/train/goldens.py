"""Parity goldens for the C++ engine (tests/models/parity_test.cpp), computed by the PyTorch reference.

For each checkpoint and the first N Fashion-MNIST test images, writes <out>/<name>.goldens.safetensors (F32):

  input              [N, C, S, S]  normalized input (checkpoint.preprocess, with the file's input spec)
  labels             [N]           test labels (as floats)
  logits             [N, K]
  trace.<name>       every tensor models.py traces ("embed", "blocks.0.attn.probs", "stem", "stages.1.0", ...)
  grad.logits.input  d/d(input) of sum_b logits[b, label_b]
  wgrad.<param>      d/d(param) of the same objective, for every parameter
  seed               a one-hot at the centre position of an intermediate layer, summed over channels:
                     cnn/hybrid-trunk [N, C, h, w] -> seed[:, :, h//2, w//2] = 1; tokens [N, T, D] -> the
                     centre patch token. __metadata__["seed_layer"] names the layer.
  grad.seed.input    d/d(input) of sum(seed * layer)
  kink.logits.input  [N]  per image: how far grad.logits.input moves when the ReLU kinks flip (below)
  kink.seed.input    [N]  the same for grad.seed.input
  kink.wgrad.<param> [1]  the same for wgrad.<param>

Kinks: ReLU'(z) jumps at z = 0, and trained cnns have units with |z| ~ 1e-7 of their layer's scale, inside
float32 rounding, so float32 and the float64 truth can disagree on the mask; one flipped unit moved an image's
input gradient by 1.6e-2 of the tensor's max (cnn_p001, image 10). kink.* measure that ill-conditioning: the
gradient recomputed with the derivative of every ReLU with |z| < 1e-5 * max|z| (of its layer) flipped, as
max |change| / max |gradient| (the whole tensor's max, as the tests normalise). The parity test adds it to
its tolerance: 0 for the vit (no ReLU), so the strict bound holds there.

The reference runs in float64 (from the file's float32/float16 weights), so the goldens carry the exact
values and the C++ float32 error is measured against the truth, not against another float32 rounding.
A manifest <out>/goldens.txt lists "<checkpoint>\t<goldens>" per line.

--random also writes randomly initialised checkpoints of the --random-archs (default vit cnn hybrid; ctest's
models_goldens adds rvit) into <out>
(checkpoint.save; F32 for cnn, F16 for the others) so parity is tested without trained weights: random_<arch>.
vit, cnn and hybrid have models.DEFAULT_CONFIGS; rvit (only when named: `--random --random-archs rvit`) has the small
RANDOM_CONFIGS["rvit"] (patch 8: a 4 x 4 grid and 7 x 7 tables, 3 heads) with N(0, 1) bias tables, which have no
symmetry, so a transposed or mirrored table index shows.
Outputs newer than their checkpoint and the three scripts (this, models.py, checkpoint.py) are reused. Runs on
Debian's CPU torch 1.13: /usr/bin/python3 goldens.py. Goldens of rvit files (trained and random), checkpoints first
(--random-archs takes the words after it):
  /usr/bin/python3 tools/train/goldens.py rvit_p100.safetensors ... --out DIR --random --random-archs rvit
"""
import argparse
import glob
import gzip
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checkpoint  # noqa: E402
import models  # noqa: E402

DATA_DIR = "/usr/share/datasets/fashion-mnist"
RANDOM_DTYPES = {"vit": "F16", "cnn": "F32", "hybrid": "F16", "rvit": "F16"}  # also fixes each arch's seed
RANDOM_ARCHS = ["vit", "cnn", "hybrid"]  # the default --random-archs (ctest names rvit as well)
RANDOM_CONFIGS = {"rvit": dict(image_size=32, in_channels=1, patch=8, dim=48, depth=2, heads=3, mlp_hidden=96,
                               num_classes=10, rel_bias_init="locality")}


def read_idx(path, count):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)
    return arr[:count]


def write_f32(path, tensors, metadata):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        blob = np.ascontiguousarray(tensors[name].detach().cpu().numpy().astype(np.float32)).tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    header["__metadata__"] = metadata
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for blob in blobs:
            f.write(blob)
    os.replace(tmp, path)


def write_random_checkpoints(out_dir, archs):
    paths = []
    for arch in archs:
        path = os.path.join(out_dir, "random_%s.safetensors" % arch)
        paths.append(path)
        if os.path.exists(path) and os.path.getmtime(path) >= os.path.getmtime(__file__):
            continue
        seed = 1234 + list(RANDOM_DTYPES).index(arch)
        cfg = RANDOM_CONFIGS.get(arch, models.DEFAULT_CONFIGS[arch])
        torch.manual_seed(seed)
        model = models.build(arch, cfg, fold_bn=True)
        with torch.no_grad():
            # Non-trivial LayerNorm affine, CLS token and relative-bias tables, so that swapped or ignored
            # parameters show.
            for name, p in model.named_parameters():
                if ".norm" in name and name.endswith("weight"):
                    p.copy_(1.0 + 0.2 * torch.randn_like(p))
                elif (".norm" in name and name.endswith("bias")) or name.endswith("cls_token"):
                    p.copy_(0.2 * torch.randn_like(p))
                elif name.endswith(".rel_bias"):
                    p.copy_(torch.randn_like(p))
        meta = checkpoint.make_meta(arch, cfg, {"fraction": 0.0, "seed": seed})
        checkpoint.save(path, model.state_dict(), meta, dtype=RANDOM_DTYPES[arch])
    return paths


KINK_REL = 1e-5  # |z| below this fraction of the layer's max|z| is within float32 reach of the kink


class KinkFlippedRelu(torch.autograd.Function):
    """relu(z) whose backward flips the derivative of the units near the kink (|z| < KINK_REL * max|z|)."""

    @staticmethod
    def forward(ctx, z):
        ctx.save_for_backward(z)
        return z.clamp(min=0)

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved_tensors
        near = z.abs() < KINK_REL * z.abs().max()
        return grad * ((z > 0) ^ near).to(grad.dtype)


def gradients(model, x0, objective_fn, wrt_params, flip_kinks):
    """d objective / d (x, params...), with models.py's F.relu swapped for KinkFlippedRelu when flip_kinks."""
    relu = models.F.relu
    if flip_kinks:
        models.F.relu = KinkFlippedRelu.apply  # models.py calls F.relu (torch.nn.functional) for every ReLU
    try:
        x = x0.clone().requires_grad_(True)
        trace = {}
        logits = model(x, trace)
        params = list(model.parameters()) if wrt_params else []
        return torch.autograd.grad(objective_fn(logits, trace), [x] + params)
    finally:
        models.F.relu = relu


def kink_move(exact, flipped, per_image):
    """max |flipped - exact| / max |exact|, per image (first axis) or over the whole tensor."""
    scale = exact.abs().max().clamp(min=1e-300)
    diff = (flipped - exact).abs()
    return (diff.flatten(1).amax(1) if per_image else diff.max().reshape(1)) / scale


def seed_layer_and_tensor(arch, cfg, trace):
    if arch == "cnn":
        layer = "stages.%d.0" % (len(cfg["widths"]) // 2)
        seed = torch.zeros_like(trace[layer])
        h, w = seed.shape[2], seed.shape[3]
        seed[:, :, h // 2, w // 2] = 1.0
    else:
        layer = "blocks.%d" % (cfg["depth"] // 2)
        seed = torch.zeros_like(trace[layer])
        grid = int(round((seed.shape[1] - 1) ** 0.5))
        seed[:, 1 + (grid // 2) * grid + grid // 2, :] = 1.0
    return layer, seed


def make_goldens(ckpt_path, out_path, images, labels):
    model, meta = checkpoint.load_model(ckpt_path)
    model = model.double()
    arch, cfg = meta["arch"], meta["config"]
    # checkpoint.preprocess with the file's own input spec: zero pad, then (x - mean) / std.
    spec = meta["input"]
    x0 = torch.nn.functional.pad(torch.tensor(images, dtype=torch.float64).div(255.0).unsqueeze(1),
                                 (spec["pad"],) * 4)
    x0 = (x0 - spec["mean"]) / spec["std"]
    lab = torch.as_tensor(labels.astype(np.int64))
    out = {"input": x0, "labels": lab.double()}

    # Forward with the trace.
    trace = {}
    with torch.no_grad():
        out["logits"] = model(x0, trace)
    for name, t in trace.items():
        out["trace." + name] = t

    # The label-logit objective: input and weight gradients, and their sensitivity to the kinks.
    def label_logits(lg, tr):
        return lg.gather(1, lab[:, None]).sum()

    names = [n for n, _ in model.named_parameters()]
    exact = gradients(model, x0, label_logits, True, False)
    flipped = gradients(model, x0, label_logits, True, True)
    out["grad.logits.input"] = exact[0]
    out["kink.logits.input"] = kink_move(exact[0], flipped[0], True)
    for name, g, f in zip(names, exact[1:], flipped[1:]):
        out["wgrad." + name] = g
        out["kink.wgrad." + name] = kink_move(g, f, False)

    # The receptive-field objective: one-hot at the centre of an intermediate layer.
    layer, seed = seed_layer_and_tensor(arch, cfg, trace)

    def seeded(lg, tr):
        return (tr[layer] * seed).sum()

    out["seed"] = seed
    exact = gradients(model, x0, seeded, False, False)[0]
    out["grad.seed.input"] = exact
    out["kink.seed.input"] = kink_move(exact, gradients(model, x0, seeded, False, True)[0], True)
    write_f32(out_path, out, {"seed_layer": layer, "checkpoint": os.path.basename(ckpt_path), "arch": arch})
    return float(out["kink.logits.input"].max())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="output folder (the build tree)")
    ap.add_argument("--random", action="store_true", help="also write and test random checkpoints of --random-archs")
    ap.add_argument("--random-archs", nargs="+", default=RANDOM_ARCHS, choices=list(RANDOM_DTYPES),
                    help="archs of the --random checkpoints (default: %s)" % " ".join(RANDOM_ARCHS))
    ap.add_argument("--models-dir", help="test every *.safetensors found here")
    ap.add_argument("--images", type=int, default=16)
    ap.add_argument("checkpoints", nargs="*")
    args = ap.parse_args()
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)

    ckpts = list(args.checkpoints)
    if args.models_dir:
        ckpts += sorted(glob.glob(os.path.join(args.models_dir, "*.safetensors")))
    if args.random:
        ckpts += write_random_checkpoints(args.out, args.random_archs)
    if not ckpts:
        sys.exit("goldens.py: no checkpoints given")
    images = read_idx(os.path.join(DATA_DIR, "t10k-images-idx3-ubyte.gz"), args.images)
    labels = read_idx(os.path.join(DATA_DIR, "t10k-labels-idx1-ubyte.gz"), args.images)

    manifest = []
    for ckpt in ckpts:
        ckpt = os.path.abspath(ckpt)
        name = os.path.splitext(os.path.basename(ckpt))[0]
        out_path = os.path.join(os.path.abspath(args.out), name + ".goldens.safetensors")
        stale = not os.path.exists(out_path) or os.path.getmtime(out_path) < max(
            os.path.getmtime(p) for p in [ckpt, __file__, models.__file__, checkpoint.__file__])
        if stale:
            kink = make_goldens(ckpt, out_path, images, labels)
            print("goldens: wrote %s (input-gradient kink sensitivity up to %.1e)" % (out_path, kink))
        manifest.append("%s\t%s\n" % (ckpt, out_path))
    with open(os.path.join(args.out, "goldens.txt"), "w") as f:
        f.writelines(manifest)


if __name__ == "__main__":
    main()
