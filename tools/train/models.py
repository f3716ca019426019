"""Reference PyTorch definitions of the lab's model families.

These are the spec for the C++ engine (src/models): parameter names, shapes and maths must match
exactly. They run on PyTorch 2.x (training, CUDA) and on Debian's PyTorch 1.13 (CPU; goldens and
parity tests), so only plain nn modules are used.

Input: x [B, C, S, S], a 28x28 Fashion-MNIST image zero-padded to S=32 then normalized.

  vit     patch-embed (conv p x p, stride p) -> CLS + learned position embedding -> pre-LN blocks
          (MHSA + exact-GELU MLP) -> LayerNorm -> head on CLS
  rvit    the vit with CoAtNet-style relative attention: each block's attention adds a learned bias
          rel_bias[h, drow + g - 1, dcol + g - 1] (a (2g-1) x (2g-1) table per head, g = S / p) to the
          logit of patch query i and patch key j, drow = row_i - row_j, dcol = col_i - col_j; the CLS
          row and column get no bias (Attention.relative_bias)
  cnn     stem conv3x3-BN-ReLU -> stages of ResNet basic blocks (widths w/2w/4w, strides 1/2/2)
          -> global average pool -> head
  hybrid  stem + two basic-block stages down to S/4 -> 1x1 projection to tokens -> CLS + position
          embedding -> pre-LN blocks -> LayerNorm -> head on CLS

`fold_bn=True` builds the exported form: each BatchNorm folded into the preceding conv (conv gets a
bias, BN becomes identity). The C++ engine only knows that form.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

LN_EPS = 1e-5

DEFAULT_CONFIGS = {
    "vit": dict(image_size=32, in_channels=1, patch=4, dim=128, depth=6, heads=4, mlp_hidden=256,
                num_classes=10),
    "cnn": dict(image_size=32, in_channels=1, stem_width=32, widths=[32, 64, 128], strides=[1, 2, 2],
                blocks=[2, 2, 2], num_classes=10),
    "hybrid": dict(image_size=32, in_channels=1, stem_width=32, widths=[32, 64], strides=[2, 2],
                   blocks=[1, 1], dim=128, depth=4, heads=4, mlp_hidden=256, num_classes=10),
    "rvit": dict(image_size=32, in_channels=1, patch=4, dim=128, depth=6, heads=4, mlp_hidden=256,
                 num_classes=10, rel_bias_init="locality"),
}
# rvit's rel_bias_init: "locality" (rel_bias[h] = -a_h * d^2, d = distance between patch centres in input px,
# a_h = 4^-(h+1) per px^2: 1/4, 1/16, 1/64, 1/256 for 4 heads) or "zero" (the control: no prior).
REL_BIAS_INITS = ("locality", "zero")


class RelPos:
    """Where rvit's relative-position bias applies: the patch tokens 1..g*g of a g x g grid (row-major, as
    patch_embed(x).flatten(2)), cell_px input pixels apart, table initialised by `init` (REL_BIAS_INITS)."""

    def __init__(self, grid, cell_px, init):
        if init not in REL_BIAS_INITS:
            raise ValueError("rel_bias_init %r: expected one of %s" % (init, ", ".join(REL_BIAS_INITS)))
        self.grid, self.cell_px, self.init = grid, cell_px, init

    def index(self):
        """[N, N] long, N = g*g: flat table index (row_i - row_j + g - 1) * (2g - 1) + (col_i - col_j + g - 1)."""
        g = self.grid
        rows, cols = torch.arange(g * g) // g, torch.arange(g * g) % g
        drow, dcol = rows[:, None] - rows[None, :], cols[:, None] - cols[None, :]
        return (drow + g - 1) * (2 * g - 1) + (dcol + g - 1)

    def initial_table(self, heads):
        """[H, 2g-1, 2g-1]: -a_h * d^2 with d^2 = cell_px^2 * (drow^2 + dcol^2) ("locality"), or zeros."""
        g = self.grid
        if self.init == "zero":
            return torch.zeros(heads, 2 * g - 1, 2 * g - 1)
        delta = torch.arange(-(g - 1), g, dtype=torch.float32)
        d2 = self.cell_px ** 2 * (delta[:, None] ** 2 + delta[None, :] ** 2)  # [2g-1, 2g-1] px^2
        a = 0.25 ** torch.arange(1, heads + 1, dtype=torch.float32)  # [H] per px^2
        return -a[:, None, None] * d2


class Attention(nn.Module):
    """Multi-head self-attention; with rel_pos (RelPos, rvit) a learned bias per head on the patch-pair logits."""

    def __init__(self, dim, heads, rel_pos=None):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.has_rel_bias = rel_pos is not None
        if self.has_rel_bias:
            self.rel_bias = nn.Parameter(rel_pos.initial_table(heads))  # [H, 2g-1, 2g-1]
            self.register_buffer("rel_index", rel_pos.index(), persistent=False)  # [N, N]

    def relative_bias(self):
        """-> [H, T, T], T = 1 + N: rel_bias gathered at rel_index for the patch pairs, 0 on the CLS row and column."""
        patch_pairs = self.rel_bias.flatten(1)[:, self.rel_index]  # [H, N, N]
        return F.pad(patch_pairs, (1, 0, 1, 0))

    def forward(self, x, trace=None, prefix=""):
        # x [B, T, D] -> [B, T, D]
        B, T, D = x.shape
        dh = D // self.heads
        qkv = self.qkv(x).reshape(B, T, 3, self.heads, dh).permute(2, 0, 3, 1, 4)  # [3, B, H, T, dh]
        q, k, v = qkv[0], qkv[1], qkv[2]
        logits = q @ k.transpose(-2, -1) * (1.0 / math.sqrt(dh))  # [B, H, T, T]
        if self.has_rel_bias:
            logits = logits + self.relative_bias()
        probs = logits.softmax(-1)
        if trace is not None:
            trace[prefix + "attn.probs"] = probs
        out = (probs @ v).transpose(1, 2).reshape(B, T, D)
        return self.proj(out)


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class Block(nn.Module):
    """Pre-LN transformer block: x + attn(norm1(x)), then + mlp(norm2(.))."""

    def __init__(self, dim, heads, mlp_hidden, rel_pos=None):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=LN_EPS)
        self.attn = Attention(dim, heads, rel_pos)
        self.norm2 = nn.LayerNorm(dim, eps=LN_EPS)
        self.mlp = Mlp(dim, mlp_hidden)

    def forward(self, x, trace=None, prefix=""):
        a = self.attn(self.norm1(x), trace, prefix)
        x = x + a
        if trace is not None:
            trace[prefix + "attn.branch"] = a
            trace[prefix + "mid"] = x
        m = self.mlp(self.norm2(x))
        x = x + m
        if trace is not None:
            trace[prefix + "mlp.branch"] = m
        return x


class TokenHead(nn.Module):
    """CLS + position embedding, transformer blocks, final LayerNorm, linear head on CLS."""

    def __init__(self, tokens, dim, depth, heads, mlp_hidden, num_classes, rel_pos=None):
        super().__init__()
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.randn(1, tokens + 1, dim) * 0.02)
        self.blocks = nn.ModuleList([Block(dim, heads, mlp_hidden, rel_pos) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=LN_EPS)
        self.head = nn.Linear(dim, num_classes)

    def forward(self, tokens, trace=None):
        # tokens [B, N, D] -> logits [B, K]
        B = tokens.shape[0]
        x = torch.cat([self.cls_token.expand(B, -1, -1), tokens], dim=1) + self.pos_embed
        if trace is not None:
            trace["embed"] = x
        for i, blk in enumerate(self.blocks):
            x = blk(x, trace, "blocks.%d." % i)
            if trace is not None:
                trace["blocks.%d" % i] = x
        x = self.norm(x)
        if trace is not None:
            trace["norm"] = x
            trace["pool"] = x[:, 0]
        return self.head(x[:, 0])


def conv_bn(cin, cout, k, stride, fold_bn):
    """conv k x k (pad k//2) followed by BatchNorm; with fold_bn the conv has a bias and BN is identity."""
    conv = nn.Conv2d(cin, cout, k, stride, k // 2, bias=fold_bn)
    return conv, (nn.Identity() if fold_bn else nn.BatchNorm2d(cout))


class BasicBlock(nn.Module):
    """ResNet basic block: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))."""

    def __init__(self, cin, cout, stride, fold_bn):
        super().__init__()
        self.conv1, self.bn1 = conv_bn(cin, cout, 3, stride, fold_bn)
        self.conv2, self.bn2 = conv_bn(cout, cout, 3, 1, fold_bn)
        self.has_shortcut = stride != 1 or cin != cout
        if self.has_shortcut:
            self.shortcut, self.shortcut_bn = conv_bn(cin, cout, 1, stride, fold_bn)

    def forward(self, x, trace=None, prefix=""):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        s = self.shortcut_bn(self.shortcut(x)) if self.has_shortcut else x
        if trace is not None:
            trace[prefix + "branch"] = y
            trace[prefix + "shortcut"] = s
        return F.relu(y + s)


class ConvTrunk(nn.Module):
    """stem conv3x3-BN-ReLU, then stages of basic blocks (first block of a stage carries the stride)."""

    def __init__(self, in_channels, stem_width, widths, strides, blocks, fold_bn):
        super().__init__()
        self.stem, self.stem_bn = conv_bn(in_channels, stem_width, 3, 1, fold_bn)
        stages, cin = [], stem_width
        for w, s, n in zip(widths, strides, blocks):
            stages.append(nn.ModuleList([BasicBlock(cin if b == 0 else w, w, s if b == 0 else 1, fold_bn)
                                         for b in range(n)]))
            cin = w
        self.stages = nn.ModuleList(stages)

    def forward(self, x, trace=None):
        x = F.relu(self.stem_bn(self.stem(x)))
        if trace is not None:
            trace["stem"] = x
        for s, stage in enumerate(self.stages):
            for b, blk in enumerate(stage):
                x = blk(x, trace, "stages.%d.%d." % (s, b))
                if trace is not None:
                    trace["stages.%d.%d" % (s, b)] = x
        return x


class Vit(nn.Module):
    def __init__(self, cfg, fold_bn=False):
        super().__init__()
        self.cfg = cfg
        p, d = cfg["patch"], cfg["dim"]
        grid = cfg["image_size"] // p
        self.patch_embed = nn.Conv2d(cfg["in_channels"], d, p, p)
        self.tokens = TokenHead(grid * grid, d, cfg["depth"], cfg["heads"], cfg["mlp_hidden"], cfg["num_classes"],
                                self.relative_position(grid))

    def relative_position(self, grid):
        """The RelPos of every block's attention: none for the vit."""
        return None

    def forward(self, x, trace=None):
        # x [B, C, S, S] -> patches [B, D, g, g] -> tokens [B, g*g, D]
        t = self.patch_embed(x).flatten(2).transpose(1, 2)
        return self.tokens(t, trace)


class Rvit(Vit):
    """The vit with a relative-position bias table in every block's attention (Attention.relative_bias). The
    table's init draws no random numbers: with the same seed an rvit gets the vit's weights plus the tables."""

    def relative_position(self, grid):
        return RelPos(grid, self.cfg["patch"], self.cfg["rel_bias_init"])


class Cnn(nn.Module):
    def __init__(self, cfg, fold_bn=False):
        super().__init__()
        self.cfg = cfg
        self.trunk = ConvTrunk(cfg["in_channels"], cfg["stem_width"], cfg["widths"], cfg["strides"],
                               cfg["blocks"], fold_bn)
        self.head = nn.Linear(cfg["widths"][-1], cfg["num_classes"])

    def forward(self, x, trace=None):
        pooled = self.trunk(x, trace).mean((2, 3))  # [B, C]
        if trace is not None:
            trace["pool"] = pooled
        return self.head(pooled)


class Hybrid(nn.Module):
    def __init__(self, cfg, fold_bn=False):
        super().__init__()
        self.cfg = cfg
        self.trunk = ConvTrunk(cfg["in_channels"], cfg["stem_width"], cfg["widths"], cfg["strides"],
                               cfg["blocks"], fold_bn)
        grid = cfg["image_size"]
        for s in cfg["strides"]:
            grid //= s
        self.proj = nn.Conv2d(cfg["widths"][-1], cfg["dim"], 1)
        self.tokens = TokenHead(grid * grid, cfg["dim"], cfg["depth"], cfg["heads"], cfg["mlp_hidden"],
                                cfg["num_classes"])

    def forward(self, x, trace=None):
        t = self.proj(self.trunk(x, trace)).flatten(2).transpose(1, 2)  # [B, g*g, D]
        return self.tokens(t, trace)


ARCHS = {"vit": Vit, "cnn": Cnn, "hybrid": Hybrid, "rvit": Rvit}


def build(arch, cfg=None, fold_bn=False):
    return ARCHS[arch](dict(cfg or DEFAULT_CONFIGS[arch]), fold_bn=fold_bn)


def arch_of(model):
    return {cls: arch for arch, cls in ARCHS.items()}[type(model)]


BN_OF_CONV = {"stem": "stem_bn", "conv1": "bn1", "conv2": "bn2", "shortcut": "shortcut_bn"}


@torch.no_grad()
def fold_batchnorm(model):
    """Returns the exported (fold_bn=True) twin of a trained model, each BN folded into its conv:
    w' = w * g / sqrt(var + eps),  b' = (b - mean) * g / sqrt(var + eps) + beta."""
    folded = build(arch_of(model), model.cfg, fold_bn=True).to(next(model.parameters()).device)
    src_modules = dict(model.named_modules())
    conv_names = [n for n, m in folded.named_modules() if isinstance(m, nn.Conv2d)]
    src_state, dst_state = model.state_dict(), folded.state_dict()
    for k in dst_state:
        if k.rsplit(".", 1)[0] not in conv_names:
            dst_state[k].copy_(src_state[k])
    for name in conv_names:
        conv, dst = src_modules[name], dict(folded.named_modules())[name]
        parent, _, leaf = name.rpartition(".")
        bn = src_modules.get((parent + "." if parent else "") + BN_OF_CONV.get(leaf, "-"))
        w = conv.weight.clone()
        b = conv.bias.clone() if conv.bias is not None else torch.zeros_like(w[:, 0, 0, 0])
        if isinstance(bn, nn.BatchNorm2d):
            scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
            w = w * scale.reshape(-1, 1, 1, 1)
            b = (b - bn.running_mean) * scale + bn.bias
        dst.weight.copy_(w)
        dst.bias.copy_(b)
    return folded.eval()
