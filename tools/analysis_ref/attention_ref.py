"""NumPy reference for src/analysis/attention.cpp, written as a golden JSON the C++ tests read.

Draws random attention probs (softmax of random logits at mixed temperatures, so some heads are peaked
and some flat) for a few images, layers and heads over a small patch grid, then computes in float64:
CLS maps, token maps, attention rollout (Abnar & Zuidema 2020) and mean attention distance
(per image and averaged over the images).

  /usr/bin/python3 tools/analysis_ref/attention_ref.py --out FILE [--seed S]   write a golden
  /usr/bin/python3 tools/analysis_ref/attention_ref.py --check FILE            regenerate FILE's golden
                                                                               from its seed and compare
"""
import sys

import numpy as np

import golden_file

VERSION = 1
IMAGES, LAYERS, HEADS, GRID = 3, 3, 2, 3
CELL_PX = 4.0
TOKEN_PATCH = 4  # the patch whose token map is stored


def random_probs(rng):
    """-> [L, B, H, T, T] float32, each row a softmax."""
    t = 1 + GRID * GRID
    logits = rng.standard_normal((LAYERS, IMAGES, HEADS, t, t))
    temperature = rng.choice([0.3, 1.0, 3.0], size=(LAYERS, IMAGES, HEADS, 1, 1))
    z = logits * temperature
    e = np.exp(z - z.max(-1, keepdims=True))
    return (e / e.sum(-1, keepdims=True)).astype(np.float32)


def patch_distances(grid=GRID):
    """[N, N] Euclidean distance between patch cells (row-major grid x grid), in cells."""
    rows, cols = np.divmod(np.arange(grid * grid), grid)
    pos = np.stack([rows, cols], 1).astype(np.float64)
    return np.linalg.norm(pos[:, None, :] - pos[None, :, :], axis=-1)


def rollout(probs_b):
    """probs_b [L, H, T, T] of one image -> [T, T]: prod_l rownorm(0.5 * mean_h A_l + 0.5 I), last layer left."""
    t = probs_b.shape[-1]
    r = np.eye(t)
    for a in probs_b.astype(np.float64):
        abar = 0.5 * a.mean(0) + 0.5 * np.eye(t)
        abar /= abar.sum(-1, keepdims=True)
        r = abar @ r
    return r


def distances(probs_b):
    """probs_b [L, H, T, T] -> mean attention distance [L, H] in cells over patch tokens (CLS dropped)."""
    a = probs_b[:, :, 1:, 1:].astype(np.float64)
    grid = int(round(np.sqrt(a.shape[-1])))
    return np.einsum("lhij,ij->lh", a, patch_distances(grid)) / a.sum((-1, -2))


def golden(seed):
    probs = random_probs(np.random.default_rng(seed))  # [L, B, H, T, T]
    per_image = np.stack([distances(probs[:, b]) for b in range(IMAGES)])  # [B, L, H]
    p64 = probs.astype(np.float64)
    return {
        "version": VERSION,
        "seed": seed,
        "images": IMAGES, "layers": LAYERS, "heads": HEADS, "grid": GRID,
        "cell_px": CELL_PX,
        "token_patch": TOKEN_PATCH,
        "probs": probs.reshape(LAYERS, -1).tolist(),                             # [L][B*H*T*T]
        "cls_maps": p64[:, :, :, 0, 1:].reshape(-1).tolist(),                    # [L, B, H, grid*grid]
        "token_maps": p64[:, :, :, TOKEN_PATCH + 1, 1:].reshape(-1).tolist(),    # [L, B, H, grid*grid]
        "rollout": np.stack([rollout(probs[:, b]) for b in range(IMAGES)]).reshape(-1).tolist(),  # [B, T, T]
        "distance_patches": per_image.reshape(-1).tolist(),                      # [B, L, H]
        "distance_px": (per_image * CELL_PX).reshape(-1).tolist(),               # [B, L, H]
        "mean_distance_patches": per_image.mean(0).reshape(-1).tolist(),         # [L, H]
        "mean_distance_px": (per_image.mean(0) * CELL_PX).reshape(-1).tolist(),  # [L, H]
    }


if __name__ == "__main__":
    sys.exit(golden_file.main(__doc__, golden, 2020))
