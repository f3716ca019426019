"""Mean attention distance of weight files per layer and head, over the first N Fashion-MNIST test images.

The project's definition (attention_ref.distances: patch tokens only, CLS rows and columns dropped, distance between
patch centres in px weighted by attention and normalised by the patch-to-patch mass, then averaged over the images)
on the attention probs of the PyTorch reference (make_test_models.attention_probs), run on the GPU when there is one
(fp32, TF32 off). Prints per file the per-head distances, the mean over heads of each layer and the nearest head.

  python3 tools/analysis_ref/attention_distance.py [--data DIR] [--images 256] [--json OUT] FILE...
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

import attention_ref
import make_test_models  # also puts tools/train on sys.path
import checkpoint  # noqa: E402  (tools/train)
import data  # noqa: E402  (tools/train)


def file_distances(path, images, dev):
    """-> (meta, [L, H] mean attention distance in px over the images, uniform attention's distance in px)."""
    model, meta = checkpoint.load_model(path)
    probs, cell_px = make_test_models.attention_probs(model.to(dev), meta["config"], images.to(dev))
    grid = int(round(np.sqrt(probs.shape[-1] - 1)))
    uniform = float(attention_ref.patch_distances(grid).mean() * cell_px)
    return meta, np.asarray(make_test_models.mean_distance_px(probs, cell_px)), uniform


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=data.DEFAULT_DIR, help="folder of the Fashion-MNIST gzip IDX files")
    ap.add_argument("--images", type=int, default=256, help="the first N test images")
    ap.add_argument("--json", help="also write {file name: [L][H] distances in px} here")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    images = checkpoint.preprocess(data.load("test", args.data)[0][:args.images])
    results = {}
    for path in args.files:
        meta, dist, uniform = file_distances(path, images, dev)
        name = os.path.basename(path)
        results[name] = dist.tolist()
        print("%s (%s, test %.2f %%): mean attention distance over %d test images, px (uniform %.2f)"
              % (name, meta["arch"], 100 * meta.get("test_accuracy", float("nan")), len(images), uniform))
        for layer, heads in enumerate(dist):
            print("  layer %d: mean %.2f  heads %s" % (layer, heads.mean(), " ".join("%.2f" % d for d in heads)))
        print("  per layer: %s  nearest head %.2f" % (" ".join("%.2f" % d for d in dist.mean(1)), dist.min()))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
