"""`vitcnn attention` on the shipped checkpoints against an independent computation.

For every shipped vit, rvit and hybrid checkpoint (every file but cnn_*): the PyTorch reference (tools/train/models.py, Debian's torch on CPU)
gives the attention probabilities, and attention_ref.py (NumPy, float64) turns them into CLS maps and mean attention
distances; `vitcnn attention` must agree on
  - one test image (--test-index): cls_maps within 1e-5 absolute, distance_px and distance_patches within 1e-4
    relative;
  - the mean over the first IMAGES test images (--images): distance_px within 1e-4 relative.
Prints one line per model with the measured errors; exits 1 on any mismatch or error.

  /usr/bin/python3 tools/analysis_ref/shipped_attention_check.py --vitcnn build/vitcnn --models-dir assets/models
"""
import argparse
import glob
import json
import os
import subprocess
import sys

import numpy as np

import attention_ref
import make_test_models  # also puts tools/train on sys.path
import checkpoint  # noqa: E402  (tools/train)

TEST_INDEX = 3
IMAGES = 32
MAP_TOLERANCE = 1e-5
DISTANCE_TOLERANCE = 1e-4


def vitcnn_attention(vitcnn, path, *args):
    out = subprocess.run([vitcnn, "attention", "--model", path, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def max_rel(got, want):
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    return float(np.max(np.abs(got - want) / np.maximum(np.abs(want), 1e-12)))


def check_model(vitcnn, path, images):
    """-> (ok, message) for one checkpoint."""
    model, meta = checkpoint.load_model(path)
    all_probs, cell_px = make_test_models.attention_probs(model, meta["config"], images)  # [L, B, H, T, T]
    probs = all_probs[:, TEST_INDEX].astype(np.float64)  # [L, H, T, T]
    distances = attention_ref.distances(probs)  # [L, H] in cells
    one = vitcnn_attention(vitcnn, path, "--test-index", str(TEST_INDEX))
    cls_err = float(np.max(np.abs(np.asarray(one["cls_maps"]).reshape(probs.shape[:2] + (-1,))
                                  - probs[:, :, 0, 1:])))
    px_err = max_rel(one["distance_px"], distances * cell_px)
    patches_err = max_rel(one["distance_patches"], distances)
    mean_want = make_test_models.mean_distance_px(all_probs, cell_px)
    mean_err = max_rel(vitcnn_attention(vitcnn, path, "--images", str(IMAGES))["distance_px"], mean_want)
    ok = cls_err <= MAP_TOLERANCE and max(px_err, patches_err, mean_err) <= DISTANCE_TOLERANCE
    return ok, ("cls_maps %.1e abs, distance_px %.1e, distance_patches %.1e, mean over %d images %.1e rel"
                % (cls_err, px_err, patches_err, IMAGES, mean_err))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vitcnn", required=True, help="the vitcnn executable")
    ap.add_argument("--models-dir", required=True)
    args = ap.parse_args()
    paths = [p for p in sorted(glob.glob(os.path.join(args.models_dir, "*.safetensors")))
             if not os.path.basename(p).startswith("cnn_")]
    if not paths:
        sys.exit("shipped_attention_check: no vit, rvit or hybrid checkpoints in %s" % args.models_dir)
    images = checkpoint.preprocess(make_test_models.first_test_images(IMAGES))
    return make_test_models.run_checks(paths, lambda path: check_model(args.vitcnn, path, images),
                                       (subprocess.CalledProcessError, KeyError, ValueError))


if __name__ == "__main__":
    sys.exit(main())
