"""Fashion-MNIST from gzip IDX files (Debian's /usr/share/datasets/fashion-mnist layout) as uint8 tensors."""
import gzip
import os

import numpy as np
import torch

DEFAULT_DIR = "/usr/share/datasets/fashion-mnist"
FILES = {"train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
         "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")}


def read_idx(path):
    """One gzip IDX file -> uint8 numpy array (magic 0x0000 08 NDIM, big-endian int32 dims, then the bytes)."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError("%s: not an unsigned-byte IDX file" % path)
    ndim = raw[3]
    dims = np.frombuffer(raw, dtype=">i4", count=ndim, offset=4)
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(split, directory=DEFAULT_DIR):
    """split "train" | "test" -> (images uint8 [N, 28, 28], labels int64 [N]) torch tensors."""
    images, labels = (read_idx(os.path.join(directory, name)) for name in FILES[split])
    if len(images) != len(labels):
        raise ValueError("%s: %d images but %d labels" % (split, len(images), len(labels)))
    return torch.from_numpy(images.copy()), torch.from_numpy(labels.astype(np.int64))
