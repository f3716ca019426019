"""Trains and exports the model zoo: every (arch, fraction) with one recipe.

  python3 train.py --out DIR [--archs vit cnn hybrid] [--fractions 1 3 10 30 100] [--epochs vit=80 ...]

One (arch, fraction) trains in this process; several are run as concurrent child processes of this
one (a small model leaves a GPU launch-bound, so the zoo trains side by side). Each run writes
DIR/<arch>_p<NNN>.safetensors (NNN = fraction in percent, 3 digits) and DIR/<arch>_p<NNN>.log.

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
through PyTorch's fused kernel (same maths as models.py).

--smoke: a few CPU steps on a tiny subset (proves the script runs on Debian's PyTorch 1.13).
"""
import argparse
import copy
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


def run_name(arch, fraction):
    return "%s_p%03d" % (arch, fraction)


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
    (the reference's batched products over 65 tokens run ~4x slower on a GPU); training on CUDA only."""
    B, T, D = x.shape
    qkv = self.qkv(x).reshape(B, T, 3, self.heads, D // self.heads).permute(2, 0, 3, 1, 4)
    out = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2])  # scale 1/sqrt(dh)
    return self.proj(out.transpose(1, 2).reshape(B, T, D))


def for_gpu_training(model):
    """Channels-last convolutions and fused attention on the model being trained; the exported file is
    evaluated with the reference modules."""
    for m in model.modules():
        if isinstance(m, models.Attention):
            m.forward = types.MethodType(fused_attention, m)
    return model.to(memory_format=torch.channels_last)


def make_optimizer(model, args, cuda):
    no_decay = ("tokens.cls_token", "tokens.pos_embed")
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and n not in no_decay]
    rest = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and n not in no_decay)]
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


def train_one(arch, fraction, args, dev):
    cuda = dev.type == "cuda"
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

    model = models.build(arch).to(dev).train()
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
        % (run_name(arch, fraction), n_params, n, batch, epochs, per_epoch, total, eval_every))

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
                % (run_name(arch, fraction), epoch, epochs, step, float(step_fn.loss), acc, best, best_epoch,
                   step / (time.time() - t0)))
        if truncated:
            log("%s: stopped at the deadline after epoch %d of %d" % (run_name(arch, fraction), epoch, epochs))
            break
    train_s = time.time() - t0

    model.load_state_dict(best_state)
    recipe = {"optimizer": "AdamW", "lr": args.lr, "betas": [0.9, 0.999], "weight_decay": args.weight_decay,
              "schedule": "linear warmup %d steps, cosine to 0" % warmup, "label_smoothing": args.label_smoothing,
              "batch": batch, "augment": "translate up to %d px (zero fill), hflip p=0.5" % SHIFT,
              "precision": "bf16 autocast" if cuda else "fp32", "epoch_rule":
              "max(%d, ceil(%d / steps_per_epoch))" % (args.epochs[arch], args.min_steps),
              "planned_epochs": epochs, "truncated": truncated, "train_seconds": round(train_s, 1),
              "device": torch.cuda.get_device_name() if cuda else "cpu", "torch": torch.__version__}
    info = {"fraction": fraction / 100, "samples": n, "val_samples": len(va), "epochs": epoch, "steps": step,
            "seed": args.seed, "best_epoch": best_epoch, "val_accuracy": round(best, 4), "recipe": recipe,
            "history": history}
    path = os.path.join(args.out, run_name(arch, fraction) + ".safetensors")
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
    """Markdown table of test accuracy (%), arch rows x fraction columns, from checkpoint files."""
    runs = {}
    for p in paths:
        _, meta = checkpoint.read(p)
        runs[(meta["arch"], round(meta["train"]["fraction"] * 100))] = meta
    archs = [a for a in models.ARCHS if any(k[0] == a for k in runs)]
    fracs = sorted({k[1] for k in runs})
    lines = ["| arch | " + " | ".join("%d %%" % f for f in fracs) + " |", "|---" * (len(fracs) + 1) + "|"]
    for a in archs:
        lines.append("| %s | " % a + " | ".join("%.2f" % (100 * runs[a, f]["test_accuracy"]) if (a, f) in runs
                                                else "-" for f in fracs) + " |")
    lines += ["", "| run | params | samples | epochs | steps | best epoch | val % | test % | train s |",
              "|---|---|---|---|---|---|---|---|---|"]
    for (a, f), m in sorted(runs.items(), key=lambda kv: (archs.index(kv[0][0]), kv[0][1])):
        tr = m["train"]
        params = sum(int(np.prod(s)) for s in shapes(a, m["config"]))
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
    ap.add_argument("--archs", nargs="+", default=list(models.ARCHS), choices=list(models.ARCHS))
    ap.add_argument("--fractions", nargs="+", type=int, default=[1, 3, 10, 30, 100], help="percent of the 55k")
    ap.add_argument("--epochs", nargs="+", default=["vit=80", "cnn=40", "hybrid=50"], help="arch=epochs at 100 %%")
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
    args = ap.parse_args()
    if args.table:
        print(table(args.table))
        return
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
