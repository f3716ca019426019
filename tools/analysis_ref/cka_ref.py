"""NumPy reference for the linear CKA of src/analysis/representations.cpp, written as a golden JSON the C++ tests
(tests/analysis/representations_test.cpp, CkaGolden) read.

Definitions (src/analysis/representations.h): features X [n, p], K = X X^T, K~ = K with a zero diagonal,
  HSIC1(K, L) = [tr(K~ L~) + (1^T K~ 1)(1^T L~ 1) / ((n-1)(n-2)) - 2/(n-2) 1^T K~ L~ 1] / (n (n-3))
  minibatch CKA (Nguyen et al. 2021) over minibatches b of m rows, in order:
  CKA(X, Y) = sum_b HSIC1(K_b, L_b) / sqrt(sum_b HSIC1(K_b, K_b) sum_b HSIC1(L_b, L_b))
Draws float32 features of a few "layers" of two models for N images from a seeded RNG (correlated, with a large
common offset, as ReLU features have), then computes in float64: the Grams of the first minibatch, HSIC1 of
them, and the CKA matrix for the full batch and for minibatches of 4 and 6.

  /usr/bin/python3 tools/analysis_ref/cka_ref.py --out FILE [--seed S]   write a golden
  /usr/bin/python3 tools/analysis_ref/cka_ref.py --check FILE            regenerate FILE's golden from its seed
                                                                         and compare
"""
import sys

import numpy as np

import golden_file

VERSION = 1
IMAGES = 24
DIMS_A = [5, 16, 9]  # feature sizes of model A's layers
DIMS_B = [7, 12]
BATCHES = [4, 6, IMAGES]


def hsic1(K, L):
    """Unbiased HSIC (Song et al. 2012) of two [n, n] Gram matrices, n >= 4."""
    n = K.shape[0]
    K, L = K.copy(), L.copy()
    np.fill_diagonal(K, 0.0)
    np.fill_diagonal(L, 0.0)
    ones = np.ones(n)
    return (np.trace(K @ L) + (ones @ K @ ones) * (ones @ L @ ones) / ((n - 1) * (n - 2))
            - 2.0 / (n - 2) * (ones @ K @ L @ ones)) / (n * (n - 3))


def minibatch_cka(X, Y, m):
    """X [n, p], Y [n, q] float64, minibatches of m rows in order (n a multiple of m)."""
    xy = xx = yy = 0.0
    for b in range(0, X.shape[0], m):
        K, L = X[b:b + m] @ X[b:b + m].T, Y[b:b + m] @ Y[b:b + m].T
        xy += hsic1(K, L)
        xx += hsic1(K, K)
        yy += hsic1(L, L)
    return xy / np.sqrt(xx * yy)


def features(rng):
    """-> (A layers, B layers), each a list of float32 [IMAGES, p]: a shared latent seen through random maps."""
    latent = rng.standard_normal((IMAGES, 6))

    def layer(p, noise):
        f = latent @ rng.standard_normal((6, p)) + noise * rng.standard_normal((IMAGES, p)) + 3.0
        return f.astype(np.float32)

    return ([layer(p, 0.3 * (i + 1)) for i, p in enumerate(DIMS_A)],
            [layer(p, 0.5 * (i + 1)) for i, p in enumerate(DIMS_B)])


def golden(seed):
    a, b = features(np.random.default_rng(seed))
    a64 = [x.astype(np.float64) for x in a]
    b64 = [y.astype(np.float64) for y in b]
    m0 = BATCHES[0]
    K, L = a64[0][:m0] @ a64[0][:m0].T, b64[0][:m0] @ b64[0][:m0].T
    return {
        "version": VERSION,
        "seed": seed,
        "images": IMAGES,
        "a": [x.tolist() for x in a],  # per layer [IMAGES][p]
        "b": [y.tolist() for y in b],
        "gram_a0": K.reshape(-1).tolist(),  # [m0, m0] of A's layer 0 on the first minibatch
        "gram_b0": L.reshape(-1).tolist(),
        "hsic_a0_b0": hsic1(K, L),
        "hsic_a0_a0": hsic1(K, K),
        "batches": BATCHES,
        # per batch size: [rows of A][cols of B]
        "cka": [[[minibatch_cka(x, y, m) for y in b64] for x in a64] for m in BATCHES],
    }


if __name__ == "__main__":
    sys.exit(golden_file.main(__doc__, golden, 2021))
