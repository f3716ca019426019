"""Trains and exports the model zoo: every (arch, fraction) with one recipe.

  python3 train.py --out DIR [--archs vit cnn hybrid] [--fractions 1 3 10 30 100] [--epochs vit=80 ...]

One (arch, fraction) trains in this process; several are run as concurrent child processes of this
one (a small model leaves a GPU launch-bound, so the zoo trains side by side). Each run writes
DIR/<arch>_p<NNN>.safetensors (NNN = fraction in percent, 3 digits) and DIR/<arch>_p<NNN>.log.
An --archs name is a models.ARCHS family or a VARIANTS name (a family with a changed config, e.g.
rvitzero = rvit with its relative-bias table initialised to zero); the default is the shipped zoo.

Data: a fixed 5000 images of the 60k training set are held out for validation (model selection);
a fraction f takes the first f % of the remaining 55k in a fixed random order, so the subsets are
nested. The test set is only touched at export: the BN-folded model is saved as F16, that file is
re-loaded with checkpoint.load_model and its fp32 accuracy (TF32 off) on the 10k test images is
written into the file's metadata.

Recipe: AdamW (betas 0.9/0.999, weight decay on matrices and conv kernels only), linear warmup over
5 % of the steps then cosine decay to 0, label smoothing, batch 256 (the whole subset if smaller,
last partial batch dropped), augmentation on the GPU (random translation by up to 2 px with zero
fill, horizontal flip p=0.5), bf16 autocast on CUDA, BatchNorm in train mode. Epochs: the arch's
epoch count, raised for small fractions so that every run takes at least --min-steps steps. The
weights kept are those of the best validation accuracy, evaluated about --evals times per run.
On CUDA each training step is one replayed CUDA graph, convolutions run channels-last and attention
through PyTorch's fused kernel (same maths as models.py; rvit's relative bias as an additive mask).
rvit's relative-bias tables get no weight decay (like the position embedding: decay would pull the
locality prior toward zero).

--check-fused: compares the fused attention with models.Attention (vit and rvit, fp32, forward and
gradients) on the CPU and, if present, the GPU; needs PyTorch 2.x.

--smoke: a few CPU steps on a tiny subset (proves the script runs on Debian's PyTorch 1.13).
"""
import argparse
import copy
import json
import math
import os
import subprocess
import sys
import time
import types

import numpy as np
import torch
import torch.nn.functional as F

import checkpoint
import data
import models

VAL_SAMPLES = 5000
SPLIT_SEED = 0
WARMUP = 0.05
SHIFT = 2
EXPORT_RESERVE_S = 30  # training stops this long before --deadline, leaving time to export
ZOO_ARCHS = ["vit", "cnn", "hybrid"]  # the zoo's run: the default --archs (ctest's smoke test adds rvit)
# --archs names beyond models.ARCHS: name -> (family, config entries that differ from its default config)
VARIANTS = {"rvitzero": ("rvit", {"rel_bias_init": "zero"})}
ARCH_NAMES = list(models.ARCHS) + list(VARIANTS)
# Parameters without weight decay besides vectors (biases, norms): by name, or by the last part of the name
NO_DECAY = ("tokens.cls_token", "tokens.pos_embed")
NO_DECAY_LEAVES = ("rel_bias",)
FUSED_TOLERANCE = 1e-5  # --check-fused: max |fused - reference| / max |reference| in fp32


def run_name(arch, fraction):
    return "%s_p%03d" % (arch, fraction)


def family_and_config(name, overrides=()):
    """--archs name and --config KEY=JSON entries -> (models.ARCHS family, config)."""
    family, changes = VARIANTS.get(name, (name, {}))
    cfg = dict(models.DEFAULT_CONFIGS[family], **changes)
    for entry in overrides:
        key, _, value = entry.partition("=")
        if key not in cfg:
            sys.exit("--config %s: %s has no config entry %r (entries: %s)" % (entry, family, key, ", ".join(cfg)))
        cfg[key] = json.loads(value)
    return family, cfg


def name_of(family, cfg):
    """Inverse of family_and_config for a file's (arch, config): the VARIANTS name whose changes it has, or the
    family."""
    for name, (fam, changes) in VARIANTS.items():
        if fam == family and all(cfg.get(k) == v for k, v in changes.items()):
            return name
    return family


def split(n_train, fraction, val_samples):
    """-> (train indices, val indices): fixed validation hold-out, nested fraction of the rest."""
    order = np.random.RandomState(SPLIT_SEED).permutation(n_train)
    rest = order[val_samples:]
    return torch.from_numpy(rest[:max(1, round(len(rest) * fraction / 100))]), torch.from_numpy(order[:val_samples])


def augment(images_u8, gen):
    """uint8 [B, 28, 28] -> normalized [B, 1, 32, 32]: the checkpoint.preprocess input, shifted by up to
    SHIFT px in x and y (zero fill) and mirrored with probability 0.5, per image."""
    b, dev, size = images_u8.shape[0], images_u8.device, checkpoint.INPUT["size"]
    p = checkpoint.INPUT["pad"] + SHIFT
    x = F.pad(images_u8.float().div(255.0), (p, p, p, p))  # [B, size + 2 SHIFT, size + 2 SHIFT]
    off = torch.randint(0, 2 * SHIFT + 1, (2, b, 1), device=dev, generator=gen)
    ramp = torch.arange(size, device=dev)
    flip = torch.rand(b, 1, device=dev, generator=gen) < 0.5
    rows = off[0] + ramp
    cols = off[1] + torch.where(flip, size - 1 - ramp, ramp)
    x = x[torch.arange(b, device=dev)[:, None, None], rows[:, :, None], cols[:, None, :]]
    return ((x - checkpoint.INPUT["mean"]) / checkpoint.INPUT["std"]).unsqueeze(1)


@torch.no_grad()
def accuracy(model, x, y, batch=1000):
    was_training = model.training
    model.eval()
    correct = sum(int((model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum()) for i in range(0, len(x), batch))
    model.train(was_training)
    return correct / len(x)


def fused_attention(self, x, trace=None, prefix=""):
    """models.Attention.forward through F.scaled_dot_product_attention: the same maths in one fused kernel
    (the reference's batched products over 65 tokens run ~4x slower on a GPU); training on CUDA only.
    rvit: the relative bias [H, T, T] is the additive float attn_mask (in q's dtype: bf16 under autocast)."""
    B, T, D = x.shape
    qkv = self.qkv(x).reshape(B, T, 3, self.heads, D // self.heads).permute(2, 0, 3, 1, 4)
    mask = self.relative_bias().to(qkv.dtype) if self.has_rel_bias else None
    out = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], attn_mask=mask)  # scale 1/sqrt(dh)
    return self.proj(out.transpose(1, 2).reshape(B, T, D))


def check_fused(dev):
    """fused_attention against models.Attention.forward in fp32 (TF32 off) on dev, for a vit and an rvit attention
    with a random bias table: output, input gradient and parameter gradients. -> True if all within
    FUSED_TOLERANCE (relative to the reference's max)."""
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.manual_seed(0)
    ok = True
    for family in ("vit", "rvit"):
        cfg = models.DEFAULT_CONFIGS[family]
        grid = cfg["image_size"] // cfg["patch"]
        rel_pos = models.RelPos(grid, cfg["patch"], "zero") if family == "rvit" else None
        attn = models.Attention(cfg["dim"], cfg["heads"], rel_pos).to(dev)
        if rel_pos is not None:
            with torch.no_grad():
                attn.rel_bias.normal_(0.0, 2.0)
        x = torch.randn(32, 1 + grid * grid, cfg["dim"], device=dev)
        results = []
        for forward in (models.Attention.forward, fused_attention):
            xi = x.clone().requires_grad_(True)
            out = forward(attn, xi)
            grads = torch.autograd.grad((out * torch.cos(out)).sum(), [xi] + list(attn.parameters()))
            results.append([out.detach()] + list(grads))
        names = ["out", "grad.input"] + ["grad." + n for n, _ in attn.named_parameters()]
        errors = {n: float((f - r).abs().max() / r.abs().max()) for n, r, f in zip(names, *results)}
        ok = ok and max(errors.values()) <= FUSED_TOLERANCE
        log("check-fused %s on %s: %s" % (family, dev.type, ", ".join("%s %.1e" % kv for kv in errors.items())))
    return ok


def for_gpu_training(model):
    """Channels-last convolutions and fused attention on the model being trained; the exported file is
    evaluated with the reference modules."""
    for m in model.modules():
        if isinstance(m, models.Attention):
            m.forward = types.MethodType(fused_attention, m)
    return model.to(memory_format=torch.channels_last)


def decays(name, param):
    """Weight decay on weight matrices and conv kernels only (not on biases, norms, NO_DECAY, NO_DECAY_LEAVES)."""
    return param.dim() >= 2 and name not in NO_DECAY and name.rsplit(".", 1)[-1] not in NO_DECAY_LEAVES


def make_optimizer(model, args, cuda):
    decay = [p for n, p in model.named_parameters() if decays(n, p)]
    rest = [p for n, p in model.named_parameters() if not decays(n, p)]
    groups = [{"params": decay, "weight_decay": args.weight_decay}, {"params": rest, "weight_decay": 0.0}]
    if cuda:  # a tensor learning rate, so that a captured step reads the value set before each replay
        return torch.optim.AdamW(groups, lr=torch.tensor(args.lr, device="cuda"), fused=True, capturable=True)
    return torch.optim.AdamW(groups, lr=args.lr)


def set_lr(opt, value):
    for g in opt.param_groups:
        if torch.is_tensor(g["lr"]):
            g["lr"].fill_(value)
        else:
            g["lr"] = value


class Stepper:
    """One training step on the static batch (x, y). On CUDA: 3 eager warm-up steps on a side stream,
    then the step (forward, backward, optimizer) is captured once as a CUDA graph and replayed."""

    WARMUP_STEPS = 3

    def __init__(self, model, opt, x, y, smoothing):
        self.model, self.opt, self.x, self.y, self.smoothing = model, opt, x, y, smoothing
        self.cuda = self.amp = x.is_cuda
        self.calls, self.graph, self.loss = 0, None, None

    def eager(self):
        with torch.autocast(self.x.device.type, dtype=torch.bfloat16, enabled=self.amp, cache_enabled=False):
            loss = F.cross_entropy(self.model(self.x), self.y, label_smoothing=self.smoothing)
        loss.backward()
        self.opt.step()
        return loss.detach()  # keeps no autograd graph alive between steps

    def __call__(self):
        self.calls += 1
        if not self.cuda:
            self.opt.zero_grad(set_to_none=True)
            self.loss = self.eager()
        elif self.calls <= self.WARMUP_STEPS:
            side = torch.cuda.Stream()
            side.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(side):
                self.opt.zero_grad(set_to_none=True)
                self.loss = self.eager()
            torch.cuda.current_stream().wait_stream(side)
        else:
            if self.graph is None:
                self.graph = torch.cuda.CUDAGraph()
                self.opt.zero_grad(set_to_none=True)
                with torch.cuda.graph(self.graph):
                    self.loss = self.eager()
            self.graph.replay()


def train_one(name, fraction, args, dev):
    """Trains the --archs name `name` on `fraction` % and exports <out>/<name>_p<NNN>.safetensors."""
    cuda = dev.type == "cuda"
    arch, cfg = family_and_config(name, args.config)
    torch.manual_seed(args.seed)
    gen = torch.Generator(device=dev)
    gen.manual_seed(args.seed)
    train_x, train_y = data.load("train", args.data)
    test_x, test_y = data.load("test", args.data)
    tr, va = split(len(train_x), fraction, args.val_samples)
    if args.smoke:
        tr, test_x, test_y = tr[:args.smoke_samples], test_x[:args.smoke_samples], test_y[:args.smoke_samples]
    x_tr, y_tr = train_x[tr].to(dev), train_y[tr].to(dev)
    x_va, y_va = checkpoint.preprocess(train_x[va]).to(dev), train_y[va].to(dev)

    model = models.build(arch, cfg).to(dev).train()
    if cuda:
        model = for_gpu_training(model)
    n = len(tr)
    batch = min(args.batch, n)
    per_epoch = n // batch
    epochs = max(args.epochs[arch], math.ceil(args.min_steps / per_epoch))
    total = epochs * per_epoch
    warmup = max(1, round(WARMUP * total))
    eval_every = max(1, epochs // args.evals)
    opt = make_optimizer(model, args, cuda)
    static_x = torch.zeros(batch, 1, checkpoint.INPUT["size"], checkpoint.INPUT["size"], device=dev)
    static_x = static_x.contiguous(memory_format=torch.channels_last)
    static_y = torch.zeros(batch, dtype=torch.long, device=dev)
    step_fn = Stepper(model, opt, static_x, static_y, args.label_smoothing)
    n_params = sum(p.numel() for p in model.parameters())
    log("%s: %d params, %d samples, batch %d, %d epochs x %d steps = %d steps, eval every %d epochs"
        % (run_name(name, fraction), n_params, n, batch, epochs, per_epoch, total, eval_every))

    history, best, best_epoch, best_state, step, truncated = [], -1.0, 0, None, 0, False
    t0 = time.time()
    for epoch in range(1, epochs + 1):
        perm = torch.randperm(n, device=dev, generator=gen)
        for i in range(per_epoch):
            idx = perm[i * batch:(i + 1) * batch]
            static_x.copy_(augment(x_tr[idx], gen))
            static_y.copy_(y_tr[idx])
            set_lr(opt, args.lr * (step + 1) / warmup if step < warmup
                   else args.lr * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup))))
            step_fn()
            step += 1
        truncated = time.time() > args.deadline - EXPORT_RESERVE_S and epoch < epochs
        if epoch % eval_every == 0 or epoch == epochs or truncated:
            acc = accuracy(model, x_va, y_va)
            history.append([epoch, round(acc, 4)])
            if acc > best:
                best, best_epoch, best_state = acc, epoch, copy.deepcopy(model.state_dict())
            log("%s epoch %d/%d step %d loss %.4f val %.4f best %.4f@%d %.1f steps/s"
                % (run_name(name, fraction), epoch, epochs, step, float(step_fn.loss), acc, best, best_epoch,
                   step / (time.time() - t0)))
        if truncated:
            log("%s: stopped at the deadline after epoch %d of %d" % (run_name(name, fraction), epoch, epochs))
            break
    train_s = time.time() - t0

    model.load_state_dict(best_state)
    no_decay = sorted(n for n, p in model.named_parameters() if p.dim() >= 2 and not decays(n, p))
    recipe = {"optimizer": "AdamW", "lr": args.lr, "betas": [0.9, 0.999], "weight_decay": args.weight_decay,
              "schedule": "linear warmup %d steps, cosine to 0" % warmup, "label_smoothing": args.label_smoothing,
              "batch": batch, "augment": "translate up to %d px (zero fill), hflip p=0.5" % SHIFT,
              "no_weight_decay": no_decay,
              "precision": "bf16 autocast" if cuda else "fp32", "epoch_rule":
              "max(%d, ceil(%d / steps_per_epoch))" % (args.epochs[arch], args.min_steps),
              "planned_epochs": epochs, "truncated": truncated, "train_seconds": round(train_s, 1),
              "device": torch.cuda.get_device_name() if cuda else "cpu", "torch": torch.__version__}
    info = {"fraction": fraction / 100, "samples": n, "val_samples": len(va), "epochs": epoch, "steps": step,
            "seed": args.seed, "best_epoch": best_epoch, "val_accuracy": round(best, 4), "recipe": recipe,
            "history": history}
    path = os.path.join(args.out, run_name(name, fraction) + ".safetensors")
    export(model, arch, info, path, test_x, test_y, dev)


def export(model, arch, info, path, test_x, test_y, dev):
    """Folds BN, saves F16, re-loads that file and writes its fp32 test accuracy into the metadata."""
    folded = models.fold_batchnorm(model.eval())
    checkpoint.save(path, folded.state_dict(), checkpoint.make_meta(arch, model.cfg, info))
    loaded, _ = checkpoint.load_model(path)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    acc = accuracy(loaded.to(dev), checkpoint.preprocess(test_x).to(dev), test_y.to(dev))
    checkpoint.save(path, loaded.state_dict(), checkpoint.make_meta(arch, model.cfg, info, acc, len(test_y)))
    log("%s: test accuracy %.4f on %d images (val %.4f, best epoch %d) -> %s"
        % (os.path.basename(path), acc, len(test_y), info["val_accuracy"], info["best_epoch"], path))


def log(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def table(paths):
    """Markdown table of test accuracy (%), arch rows (--archs names: family or variant) x fraction columns, from
    checkpoint files."""
    runs = {}
    for p in paths:
        _, meta = checkpoint.read(p)
        runs[(name_of(meta["arch"], meta["config"]), round(meta["train"]["fraction"] * 100))] = meta
    archs = [a for a in ARCH_NAMES if any(k[0] == a for k in runs)]
    fracs = sorted({k[1] for k in runs})
    lines = ["| arch | " + " | ".join("%d %%" % f for f in fracs) + " |", "|---" * (len(fracs) + 1) + "|"]
    for a in archs:
        lines.append("| %s | " % a + " | ".join("%.2f" % (100 * runs[a, f]["test_accuracy"]) if (a, f) in runs
                                                else "-" for f in fracs) + " |")
    lines += ["", "| run | params | samples | epochs | steps | best epoch | val % | test % | train s |",
              "|---|---|---|---|---|---|---|---|---|"]
    for (a, f), m in sorted(runs.items(), key=lambda kv: (archs.index(kv[0][0]), kv[0][1])):
        tr = m["train"]
        params = sum(int(np.prod(s)) for s in shapes(m["arch"], m["config"]))
        lines.append("| %s | %d | %d | %d | %d | %d | %.2f | %.2f | %s |" % (
            run_name(a, f), params, tr["samples"], tr["epochs"], tr["steps"], tr["best_epoch"],
            100 * tr["val_accuracy"], 100 * m["test_accuracy"], tr["recipe"]["train_seconds"]))
    return "\n".join(lines)


def shapes(arch, cfg):
    """Trainable parameter shapes of the unfolded (trained) model."""
    return [p.shape for p in models.build(arch, cfg).parameters()]


def run_zoo(args, jobs):
    """Each job as a child process of this script (same options, one arch and fraction), logs in --out."""
    passthrough, skip = [], False
    for tok in sys.argv[1:]:
        if tok.startswith("--"):
            skip = tok in ("--archs", "--fractions")
        if not skip:
            passthrough.append(tok)
    procs = []
    for arch, fraction in jobs:
        logf = open(os.path.join(args.out, run_name(arch, fraction) + ".log"), "w")
        cmd = [sys.executable, os.path.abspath(__file__)] + passthrough + ["--archs", arch, "--fractions", str(fraction)]
        procs.append((run_name(arch, fraction), subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT), logf))
    failed, running = [], list(procs)
    while running:  # the first failure stops the others: a broken zoo should not hold the GPU
        time.sleep(1)
        for name, proc, logf in [r for r in running if r[1].poll() is not None]:
            running.remove((name, proc, logf))
            logf.close()
            log("%s: exit %d" % (name, proc.returncode))
            if proc.returncode != 0:
                failed.append(name)
                for _, other, _ in running:
                    other.terminate()
    done = [os.path.join(args.out, n + ".safetensors") for n, _, _ in procs if n not in failed]
    print(table(done))
    if failed:
        sys.exit("failed: " + " ".join(failed))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", help="output folder (required unless --table)")
    ap.add_argument("--data", default=data.DEFAULT_DIR, help="folder of the Fashion-MNIST gzip IDX files")
    ap.add_argument("--archs", nargs="+", default=ZOO_ARCHS, choices=ARCH_NAMES,
                    help="families (models.ARCHS) or variants (%s); default: %s" % (
                        ", ".join("%s = %s with %s" % (n, f, c) for n, (f, c) in VARIANTS.items()),
                        " ".join(ZOO_ARCHS)))
    ap.add_argument("--fractions", nargs="+", type=int, default=[1, 3, 10, 30, 100], help="percent of the 55k")
    ap.add_argument("--epochs", nargs="+", default=["vit=80", "cnn=40", "hybrid=50", "rvit=80"],
                    help="family=epochs at 100 %% (a variant trains as long as its family)")
    ap.add_argument("--config", nargs="+", default=[], metavar="KEY=JSON",
                    help="config entries that differ from the family's default (models.DEFAULT_CONFIGS), "
                         "e.g. depth=2 heads=2 dim=64 patch=8 or widths=[16,32] (values in JSON)")
    ap.add_argument("--min-steps", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--weight-decay", type=float, default=0.05)
    ap.add_argument("--label-smoothing", type=float, default=0.1)
    ap.add_argument("--evals", type=int, default=40, help="about this many validation passes per run")
    ap.add_argument("--val-samples", type=int, default=VAL_SAMPLES)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--deadline", type=float, default=float("inf"), help="unix time: stop training and export")
    ap.add_argument("--smoke", action="store_true", help="CPU, --smoke-samples images, 2 epochs x few steps")
    ap.add_argument("--smoke-samples", type=int, default=64)
    ap.add_argument("--table", nargs="+", metavar="FILE", help="print the results table of these checkpoints")
    ap.add_argument("--check-fused", action="store_true",
                    help="compare the fused attention with models.Attention (PyTorch 2.x); exit 1 on a mismatch")
    args = ap.parse_args()
    if args.table:
        print(table(args.table))
        return
    if args.check_fused:
        devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
        sys.exit(0 if all([check_fused(d) for d in devices]) else 1)
    if not args.out:
        ap.error("--out is required")
    args.epochs = {k: int(v) for k, v in (e.split("=") for e in args.epochs)}
    if args.smoke:
        args.epochs = {a: 2 for a in models.ARCHS}
        args.min_steps, args.batch, args.val_samples = 0, 16, 32
    os.makedirs(args.out, exist_ok=True)
    jobs = [(a, f) for a in args.archs for f in args.fractions]
    if len(jobs) > 1:
        run_zoo(args, jobs)
        return
    torch.set_num_threads(1)
    dev = torch.device("cuda" if torch.cuda.is_available() and not args.smoke else "cpu")
    if dev.type == "cuda":
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    train_one(jobs[0][0], jobs[0][1], args, dev)


if __name__ == "__main__":
    main()
