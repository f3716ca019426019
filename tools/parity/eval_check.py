"""Checks that `vitcnn eval` reproduces, to the image, the test accuracy each shipped checkpoint records.

For every <models-dir>/*.safetensors: runs `vitcnn eval --model FILE` on all 10k Fashion-MNIST test images
(simd backend) and compares its accuracy with __metadata__["vitcnn"]["test_accuracy"], measured by PyTorch
at export: the two must agree on the count of correct images (|diff| * test_samples < 0.5).
Prints one line per model; exits 1 on any mismatch or error. Needs no torch (only reads headers).
Runs --jobs evals at a time (default: the JOBS environment variable, else 2): each is one single-threaded process
(--threads 1: the evals share the cores, not each eval's kernels).

  python3 eval_check.py --vitcnn build/vitcnn --models-dir assets/models [--jobs N]
"""
import argparse
import concurrent.futures
import glob
import json
import os
import struct
import subprocess
import sys


def read_meta(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    return json.loads(header["__metadata__"]["vitcnn"])


def check(vitcnn, path):
    """(ok, the report line) for one checkpoint."""
    name = os.path.basename(path)
    meta = read_meta(path)
    if "test_accuracy" not in meta or "test_samples" not in meta:
        return False, "%-24s FAIL: metadata has no test_accuracy/test_samples" % name
    run = subprocess.run([vitcnn, "eval", "--model", path, "--threads", "1"], capture_output=True, text=True)
    if run.returncode != 0:
        return False, "%-24s FAIL: vitcnn eval exited %d: %s" % (name, run.returncode, run.stderr.strip())
    got = json.loads(run.stdout)
    n = meta["test_samples"]
    diff = abs(got["accuracy"] - meta["test_accuracy"]) * n
    ok = got["n"] == n and diff < 0.5
    return ok, "%-24s %s  vitcnn %d/%d = %.4f  metadata %.4f  (%.1f images apart, %.0f ms)" % (
        name, "ok  " if ok else "FAIL", got["correct"], got["n"], got["accuracy"], meta["test_accuracy"], diff,
        got.get("ms", 0))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vitcnn", required=True, help="the vitcnn executable")
    ap.add_argument("--models-dir", required=True)
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("JOBS", "2")), help="evals at a time")
    args = ap.parse_args()
    paths = sorted(glob.glob(os.path.join(args.models_dir, "*.safetensors")))
    if not paths:
        sys.exit("eval_check: no checkpoints in %s" % args.models_dir)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda path: check(args.vitcnn, path), paths))
    for ok, line in results:
        print(line)
    failures = sum(not ok for ok, _ in results)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
