"""The lab's weight files: safetensors with the model description in __metadata__["vitcnn"].

Written with numpy alone (no `safetensors` package on Debian). Tensors are stored as F16 (default, half
the download) or F32. The JSON under "vitcnn":

  {"format_version": 1, "arch": "vit"|"cnn"|"hybrid"|"rvit", "config": {...models.DEFAULT_CONFIGS-like...},
   "class_names": [...], "input": {"size": 32, "pad": 2, "mean": 0.286, "std": 0.353},
   "train": {"fraction", "samples", "val_samples", "epochs", "steps", "seed", "best_epoch", "val_accuracy",
             "recipe", "history": [[epoch, val_accuracy], ...]},
   "test_accuracy": 0.91, "test_samples": 10000}

Only `format_version`, `arch`, `config`, `class_names` and `input` are required to build a model.
"""
import json
import struct

import numpy as np
import torch

import models

FORMAT_VERSION = 1
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]
# Fashion-MNIST training-set pixel statistics (28x28, values in [0, 1]); applied after zero padding.
INPUT = {"size": 32, "pad": 2, "mean": 0.2860, "std": 0.3530}

_DTYPES = {"F16": np.float16, "F32": np.float32}


def save(path, state_dict, meta, dtype="F16"):
    """state_dict: name -> tensor (exported, BN-folded form); meta: the "vitcnn" JSON object."""
    header, blobs, offset = {}, [], 0
    for name in sorted(state_dict):
        arr = state_dict[name].detach().cpu().numpy().astype(_DTYPES[dtype])
        blob = np.ascontiguousarray(arr).tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    header["__metadata__"] = {"format": "pt", "vitcnn": json.dumps(meta, sort_keys=True)}
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)  # align the data section to 8 bytes
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for blob in blobs:
            f.write(blob)


def read(path):
    """-> (dict name -> float32 torch tensor, meta dict)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = json.loads(header.pop("__metadata__")["vitcnn"])
    base = 8 + n
    tensors = {}
    for name, t in header.items():
        a, b = t["data_offsets"]
        arr = np.frombuffer(data[base + a:base + b], dtype=_DTYPES[t["dtype"]]).reshape(t["shape"])
        tensors[name] = torch.from_numpy(arr.astype(np.float32))
    return tensors, meta


def load_model(path):
    """The exported model (fold_bn=True form) with the file's weights, in eval mode, and its meta."""
    tensors, meta = read(path)
    model = models.build(meta["arch"], meta["config"], fold_bn=True)
    model.load_state_dict(tensors, strict=True)
    return model.eval(), meta


def make_meta(arch, cfg, train_info, test_accuracy=None, test_samples=None):
    meta = {"format_version": FORMAT_VERSION, "arch": arch, "config": cfg, "class_names": CLASS_NAMES,
            "input": INPUT, "train": train_info}
    if test_accuracy is not None:
        meta["test_accuracy"] = test_accuracy
        meta["test_samples"] = test_samples
    return meta


def preprocess(images_u8):
    """uint8 [N, 28, 28] -> normalized float32 [N, 1, 32, 32] (zero pad, then (x - mean) / std)."""
    x = torch.as_tensor(images_u8, dtype=torch.float32).div(255.0).unsqueeze(1)
    p = INPUT["pad"]
    x = torch.nn.functional.pad(x, (p, p, p, p))
    return (x - INPUT["mean"]) / INPUT["std"]
