"""The command line of the seeded NumPy references (attention_ref.py, cka_ref.py): write a golden JSON from a seed,
or check that a committed golden is current (regenerated from its own seed, every number within 1e-12 relative)."""
import argparse
import json
import sys

import numpy as np


def flat(v):
    """A nested list (ragged or not) or a number -> a float64 vector."""
    if isinstance(v, list):
        return np.concatenate([flat(x) for x in v]) if v else np.zeros(0)
    return np.asarray([v], dtype=np.float64)


def main(doc, golden, default_seed):
    """golden(seed) -> a JSON-able dict with a "seed" key. --out FILE [--seed S] | --check FILE. -> exit status."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", help="write a golden JSON here")
    ap.add_argument("--seed", type=int, default=default_seed)
    ap.add_argument("--check", help="compare this golden JSON with a fresh one from its seed")
    args = ap.parse_args()
    if args.check:
        with open(args.check) as f:
            old = json.load(f)
        new = golden(old.get("seed", args.seed))
        bad = [k for k in new if k not in old or flat(old[k]).shape != flat(new[k]).shape or
               not np.allclose(flat(old[k]), flat(new[k]), rtol=1e-12, atol=0)]
        if bad:
            print("golden %s is stale in: %s" % (args.check, ", ".join(bad)), file=sys.stderr)
            return 1
        print("golden %s matches the reference" % args.check)
        return 0
    if not args.out:
        ap.error("give --out FILE or --check FILE")
    with open(args.out, "w") as f:
        json.dump(golden(args.seed), f)
    return 0
