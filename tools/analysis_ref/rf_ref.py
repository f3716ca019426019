"""Receptive fields by an independent route: `vitcnn rf` against PyTorch autograd and NumPy.

The reference (the definitions of src/analysis/receptive_field.h):
  - theoretical RF from the model config alone (models.py's layer sizes, not the engine's geometry), with the
    recurrences of Araujo et al. 2019 in input px, pixel (r, c) centred at (r + 0.5, c + 0.5):
      size' = size + (k - 1) * jump,  start' = start + ((k - 1) / 2 - pad) * jump,  jump' = jump * stride;
    a residual block: the union of its paths' boxes; after an attention block: the whole input (global);
  - ERF map: |d (sum over channels / features of the unit) / d x| summed over the input channels, [S, S], by
    float64 autograd through tools/train/models.py, averaged over the images;
  - summary: r50/r90 (smallest disc around the unit centre holding >= 50 % / 90 % of the mass), share_90 (pixels
    of the smallest highest-|g| set holding 90 % / clipped TRF area), mass outside the clipped TRF box.

Check mode (a ctest): for two shipped checkpoints of each family (p001, p100) and an untrained model of each
family (the C++ seeded initialisation, written by `vitcnn rf --untrained --save-untrained`), run `vitcnn rf` on a
few layers and units and require
  - theoretical size/jump/start/global of every layer equal to the reference's;
  - the ERF map within MAP_TOLERANCE * max |map| of autograd's (per map);
  - r50/r90/share_90/mass_outside equal to NumPy's summary of the map vitcnn printed (same maths, exact).
Prints one line per model with the measured errors; exits 1 on any mismatch.

  /usr/bin/python3 tools/analysis_ref/rf_ref.py --vitcnn build/vitcnn --models-dir assets/models --out DIR
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

MAP_TOLERANCE = 1e-5
SUMMARY_TOLERANCE = 1e-9
FAMILIES = ["vit", "cnn", "hybrid"]
FRACTIONS = ["001", "100"]
UNTRAINED_SEED = 7


# ---- theoretical receptive field from the config -------------------------------------------------------

def conv(rf, k, s, p):
    """rf = (size, jump, start) -> after a k x k conv with stride s and zero padding p."""
    size, jump, start = rf
    return size + (k - 1) * jump, jump * s, start + ((k - 1) / 2 - p) * jump


def union(a, b):
    """Two paths summed: the box covering both (they must share the output grid)."""
    assert a[1] == b[1], "paths with different jumps"
    lo = min(a[2] - a[0] / 2, b[2] - b[0] / 2)
    hi = max(a[2] + a[0] / 2, b[2] + b[0] / 2)
    return hi - lo, a[1], (lo + hi) / 2


def theoretical(arch, cfg):
    """-> {layer name: {"size_px", "jump_px", "start_px", "global"}} for the analysis layers."""
    out = {}
    S = cfg["image_size"]

    def put(name, rf, is_global=False):
        out[name] = {"size_px": float(S if is_global else rf[0]), "jump_px": float(rf[1]),
                     "start_px": float(rf[2]), "global": is_global}

    rf = (1.0, 1.0, 0.5)
    if arch in ("cnn", "hybrid"):
        rf = conv(rf, 3, 1, 1)
        put("stem", rf)
        for s, (w, stride, n) in enumerate(zip(cfg["widths"], cfg["strides"], cfg["blocks"])):
            for b in range(n):
                st = stride if b == 0 else 1
                main = conv(conv(rf, 3, st, 1), 3, 1, 1)
                cin = cfg["stem_width"] if (s == 0 and b == 0) else (cfg["widths"][s - 1] if b == 0 else w)
                short = conv(rf, 1, st, 0) if (st != 1 or cin != w) else rf
                rf = union(main, short)
                put("stages.%d.%d" % (s, b), rf)
    if arch in ("vit", "hybrid"):
        rf = conv(rf, cfg["patch"], cfg["patch"], 0) if arch == "vit" else conv(rf, 1, 1, 0)
        put("embed", rf)
        for i in range(cfg["depth"]):
            put("blocks.%d" % i, rf, True)
    return out


# ---- effective receptive field by autograd ---------------------------------------------------------------

def erf_map(model, x, layer, unit):
    """Mean over the images of |d y_unit / d x| summed over input channels, float64 [S, S].
    unit: ("pos", row, col) on the layer's grid (token layers: the patch grid), or ("cls",)."""
    x = x.double().clone().requires_grad_(True)
    trace = {}
    model(x, trace)
    y = trace[layer]
    seed = torch.zeros_like(y)
    if y.dim() == 4:  # [B, C, h, w]
        seed[:, :, unit[1], unit[2]] = 1.0
    else:  # [B, T, D]
        grid = int(round((y.shape[1] - 1) ** 0.5))
        seed[:, 0 if unit[0] == "cls" else 1 + unit[1] * grid + unit[2], :] = 1.0
    (g,) = torch.autograd.grad((y * seed).sum(), [x])
    return g.abs().sum(1).mean(0).numpy()


def summary(m, centre, box):
    """m [S, S] float64; centre (row, col) in px; box (top, left, bottom, right) clipped, bottom/right exclusive."""
    S = m.shape[0]
    rows, cols = np.meshgrid(np.arange(S) + 0.5, np.arange(S) + 0.5, indexing="ij")
    d2 = ((rows - centre[0]) ** 2 + (cols - centre[1]) ** 2).ravel()
    v = m.ravel().astype(np.float64)
    total = float(np.sum(v)) if v.size else 0.0
    top, left, bottom, right = box
    area = max(0, bottom - top) * max(0, right - left)
    if total <= 0.0:
        return {"mass": 0.0, "r50_px": 0.0, "r90_px": 0.0, "share90_trf": 0.0, "mass_outside_trf": 0.0}
    by_distance = np.argsort(d2, kind="stable")
    cum = np.cumsum(v[by_distance])
    radius = [float(np.sqrt(d2[by_distance[np.searchsorted(cum, f * total)]])) for f in (0.5, 0.9)]
    by_mass = np.argsort(-v, kind="stable")
    count90 = int(np.searchsorted(np.cumsum(v[by_mass]), 0.9 * total)) + 1
    inside = float(np.sum(m[top:bottom, left:right])) if area else 0.0
    return {"mass": total, "r50_px": radius[0], "r90_px": radius[1],
            "share90_trf": count90 / area if area else 0.0, "mass_outside_trf": (total - inside) / total}


# ---- the check ----------------------------------------------------------------------------------------

def vitcnn_rf(vitcnn, path, *args):
    out = subprocess.run([vitcnn, "rf", "--model", path, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def cases(arch, cfg):
    """(layer, unit, CLI unit flags, images) per check: corner and off-centre units, the CLS token, the default
    (last layer, centre unit) and a 2-image mean."""
    last_grid = 8 if arch != "cnn" else cfg["image_size"] // int(np.prod(cfg["strides"]))
    centre = ("pos", last_grid // 2, last_grid // 2)
    last = "blocks.%d" % (cfg["depth"] - 1) if arch != "cnn" else \
        "stages.%d.%d" % (len(cfg["widths"]) - 1, cfg["blocks"][-1] - 1)
    out = [(last, centre, [], 1)]
    if arch != "vit":
        out += [("stem", ("pos", 0, 0), ["--layer", "stem", "--unit", "0,0"], 1),
                ("stages.1.0", ("pos", 1, 6), ["--layer", "stages.1.0", "--unit", "1,6"], 2)]
    if arch != "cnn":
        out += [("embed", ("pos", 2, 5), ["--layer", "embed", "--token", str(2 * 8 + 5)], 1),
                ("blocks.0", ("cls",), ["--layer", "blocks.0", "--cls"], 2)]
    return out


def check_model(vitcnn, path, images):
    """-> (ok, message) for one weight file."""
    model, meta = checkpoint.load_model(path)
    model = model.double()
    arch, cfg = meta["arch"], meta["config"]
    want_trf = theoretical(arch, cfg)
    map_err = summary_err = 0.0
    trf_ok = True
    for layer, unit, flags, n in cases(arch, cfg):
        src = ["--images", str(n)] if n > 1 else ["--test-index", "0"]
        got = vitcnn_rf(vitcnn, path, *flags, *src)
        trf_ok &= {l["name"]: l["theoretical"] for l in got["layers"]} == want_trf
        want = erf_map(model, images[:n], layer, unit)
        m = np.asarray(got["erf"]["map"], dtype=np.float64)
        map_err = max(map_err, float(np.max(np.abs(m - want)) / max(np.max(np.abs(want)), 1e-300)))
        u = got["unit"]
        box = u["box_px"]
        ref = summary(m, u["centre_px"], (box["top"], box["left"], box["bottom"], box["right"]))
        for key, value in ref.items():
            summary_err = max(summary_err, abs(got["erf"][key] - value) / max(abs(value), 1e-300) if value else
                              abs(got["erf"][key]))
    ok = trf_ok and map_err <= MAP_TOLERANCE and summary_err <= SUMMARY_TOLERANCE
    return ok, ("theoretical %s, map %.1e of max, summary %.1e rel (%d checks)"
                % ("equal" if trf_ok else "DIFFERENT", map_err, summary_err, len(cases(arch, cfg))))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vitcnn", required=True, help="the vitcnn executable")
    ap.add_argument("--models-dir", required=True)
    ap.add_argument("--out", required=True, help="folder for the untrained weight files")
    args = ap.parse_args()
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    images = checkpoint.preprocess(make_test_models.first_test_images(2))
    paths = [os.path.join(args.models_dir, "%s_p%s.safetensors" % (arch, frac)) for arch in FAMILIES
             for frac in FRACTIONS]
    for arch in FAMILIES:
        # vitcnn writes the untrained weights it uses; the reference then loads that file.
        saved = os.path.join(args.out, "%s_untrained.safetensors" % arch)
        src = os.path.join(args.models_dir, "%s_p100.safetensors" % arch)
        vitcnn_rf(args.vitcnn, src, "--untrained", "--seed", str(UNTRAINED_SEED), "--save-untrained", saved)
        paths.append(saved)
    return make_test_models.run_checks(paths, lambda path: check_model(args.vitcnn, path, images),
                                       (subprocess.CalledProcessError, KeyError, ValueError, FileNotFoundError))


if __name__ == "__main__":
    sys.exit(main())
