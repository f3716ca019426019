"""`vitcnn skip` and `vitcnn equivariance` on shipped checkpoints against PyTorch (tools/train/models.py, float64).

The reference (the definitions of src/analysis/representations.h):
  - skip ratio of each residual branch y = x + f(x), per token t: ||x_t|| / ||x_t + f(x_t)|| (norms over the
    features / channels; 1 where x_t + f(x_t) = 0), averaged over the images; transformer block i: "blocks.i.attn"
    (x = the block's input, f = "blocks.i.attn.branch") and "blocks.i.mlp" (x = "blocks.i.mid", f =
    "blocks.i.mlp.branch"); basic block s.b: x = "stages.s.b.shortcut", f = "stages.s.b.branch";
  - equivariance: the 28 x 28 images shifted right by k = 1..4 px (zero fill), preprocessed as usual; per layer with
    an n x n grid (maps, or the patch tokens without CLS) of s = S / n px per cell, where c = k / s is a whole
    number: sqrt(sum ||F(T_k x)[..., c:] - F(x)[..., :n-c]||^2) / sqrt(sum ||F(x)[..., :n-c]||^2); and the share
    of images whose top-1 class changes.
For vit, cnn, hybrid and rvit p100 on the first IMAGES test images, every number `vitcnn` prints must be within
TOLERANCE (absolute) of the reference's, and top-1 changes equal. Prints one line per model; exits 1 on a mismatch.

  /usr/bin/python3 tools/analysis_ref/representations_ref.py --vitcnn build/vitcnn --models-dir assets/models
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import torch

import make_test_models  # also puts tools/train on sys.path
import checkpoint  # noqa: E402  (tools/train)

FAMILIES = ["vit", "cnn", "hybrid", "rvit"]
IMAGES = 4
MAX_SHIFT = 4
TOLERANCE = 1e-4


def vitcnn(exe, command, path):
    out = subprocess.run([exe, command, "--model", path, "--images", str(IMAGES)], check=True, capture_output=True,
                         text=True)
    return json.loads(out.stdout)


def forward(model, images_u8):
    """-> (logits, trace) of the float64 model on uint8 images [N, 28, 28]."""
    trace = {}
    with torch.no_grad():
        logits = model(checkpoint.preprocess(images_u8).double(), trace)
    return logits.numpy(), {k: v.numpy() for k, v in trace.items()}


def analysis_layers(arch, cfg):
    names = []
    if arch in ("cnn", "hybrid"):
        names.append("stem")
        names += ["stages.%d.%d" % (s, b) for s, n in enumerate(cfg["blocks"]) for b in range(n)]
    if arch != "cnn":
        names.append("embed")
        names += ["blocks.%d" % i for i in range(cfg["depth"])]
    return names


def branches(arch, cfg):
    """-> [(name, x, f)] in forward order."""
    out, layers = [], analysis_layers(arch, cfg)
    for i, name in enumerate(layers):
        if name.startswith("blocks."):
            out.append((name + ".attn", layers[i - 1], name + ".attn.branch"))
            out.append((name + ".mlp", name + ".mid", name + ".mlp.branch"))
        elif name.startswith("stages."):
            out.append((name, name + ".shortcut", name + ".branch"))
    return out


def tokens(t):
    """[B, T, D] as is; a map [B, C, h, w] -> [B, h w, C]."""
    return t if t.ndim == 3 else t.reshape(t.shape[0], t.shape[1], -1).transpose(0, 2, 1)


def skip_ratios(arch, cfg, trace):
    out = {}
    for name, x, f in branches(arch, cfg):
        xt = tokens(trace[x])
        st = xt + tokens(trace[f])
        nx, ns = np.linalg.norm(xt, axis=-1), np.linalg.norm(st, axis=-1)
        ratio = np.where(ns > 0, nx / np.where(ns > 0, ns, 1.0), 1.0)
        out[name] = ratio.mean(0)
    return out


def grid(t):
    """A layer's grid as [B, C, n, n]: a map as is, tokens [B, 1 + n n, D] without CLS."""
    if t.ndim == 4:
        return t
    n = int(round(np.sqrt(t.shape[1] - 1)))
    return t[:, 1:].reshape(t.shape[0], n, n, -1).transpose(0, 3, 1, 2)


def equivariance(model, arch, cfg, images_u8):
    logits0, base = forward(model, images_u8)
    S = cfg["image_size"]
    layers = {name: [None] * MAX_SHIFT for name in analysis_layers(arch, cfg)}
    changed = []
    for k in range(1, MAX_SHIFT + 1):
        shifted = np.zeros_like(images_u8)
        shifted[:, :, k:] = images_u8[:, :, :28 - k]
        logits, trace = forward(model, shifted)
        changed.append(float(np.mean(logits.argmax(1) != logits0.argmax(1))))
        for name in layers:
            f0, fk = grid(base[name]), grid(trace[name])
            n = f0.shape[-1]
            if (k * n) % S:
                continue
            c = k * n // S
            want = f0[..., :n - c]
            layers[name][k - 1] = float(np.sqrt(np.sum((fk[..., c:] - want) ** 2) / np.sum(want ** 2)))
    return layers, changed


def check_model(exe, path, images_u8):
    model, meta = checkpoint.load_model(path)
    model = model.double()
    arch, cfg = meta["arch"], meta["config"]
    _, trace = forward(model, images_u8)
    want_skip = skip_ratios(arch, cfg, trace)
    got_skip = vitcnn(exe, "skip", path)
    assert [b["name"] for b in got_skip["branches"]] == list(want_skip), "skip branches differ"
    skip_err = 0.0
    for b in got_skip["branches"]:
        want = want_skip[b["name"]]
        grid0 = 1 if b["has_cls"] else 0
        skip_err = max(skip_err, float(np.max(np.abs(np.asarray(b["ratio"]) - want))),
                       abs(b["spatial_mean"] - float(want[grid0:].mean())),
                       abs(b["cls"] - float(want[0])) if b["has_cls"] else 0.0)
    want_layers, want_changed = equivariance(model, arch, cfg, images_u8)
    got_eq = vitcnn(exe, "equivariance", path)
    assert [l["name"] for l in got_eq["layers"]] == list(want_layers), "equivariance layers differ"
    eq_err = 0.0
    same_defined = True
    for l in got_eq["layers"]:
        for got, want in zip(l["error"], want_layers[l["name"]]):
            same_defined &= (got is None) == (want is None)
            if got is not None and want is not None:
                eq_err = max(eq_err, abs(got - want))
    same_top1 = got_eq["top1_changed"] == want_changed
    ok = skip_err <= TOLERANCE and eq_err <= TOLERANCE and same_defined and same_top1
    return ok, ("skip ratio %.1e, equivariance error %.1e abs, defined shifts %s, top-1 changes %s"
                % (skip_err, eq_err, "equal" if same_defined else "DIFFERENT", "equal" if same_top1 else "DIFFERENT"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vitcnn", required=True, help="the vitcnn executable")
    ap.add_argument("--models-dir", required=True)
    args = ap.parse_args()
    torch.set_num_threads(1)
    images = make_test_models.first_test_images(IMAGES)
    paths = [os.path.join(args.models_dir, "%s_p100.safetensors" % arch) for arch in FAMILIES]
    return make_test_models.run_checks(paths, lambda path: check_model(args.vitcnn, path, images),
                                       (subprocess.CalledProcessError, KeyError, ValueError, FileNotFoundError,
                                        AssertionError))


if __name__ == "__main__":
    sys.exit(main())
