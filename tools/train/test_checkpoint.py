"""A tiny checkpoint for tests: a family's model with another config than the zoo's, untrained (PyTorch's default
init, seed 0), exported like train.py's files (BatchNorm folded, F16, the same metadata without "train" results).

The browser test (tests/browser/own_checkpoint.mjs) drops tests/data/tiny_vit.safetensors, made with:

    /usr/bin/python3 tools/train/test_checkpoint.py --arch vit --config depth=2 heads=2 dim=32 mlp_hidden=64 patch=8 \
        --out tests/data/tiny_vit.safetensors
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checkpoint  # noqa: E402
import models  # noqa: E402
import train  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", required=True, choices=train.ARCH_NAMES)
    ap.add_argument("--config", nargs="*", default=[], metavar="KEY=JSON", help="as train.py --config")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True, help="the .safetensors file to write")
    args = ap.parse_args()
    arch, cfg = train.family_and_config(args.arch, args.config)
    torch.manual_seed(args.seed)
    model = models.fold_batchnorm(models.build(arch, cfg).eval())
    checkpoint.save(args.out, model.state_dict(), checkpoint.make_meta(arch, cfg, {"untrained_seed": args.seed}))
    print("%s: %s %s, %d bytes" % (args.out, arch, cfg, os.path.getsize(args.out)))


if __name__ == "__main__":
    main()
