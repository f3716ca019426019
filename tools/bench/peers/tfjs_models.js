// The three model families' forward pass (tools/train/models.py, exported BN-folded form) written with tfjs ops,
// for the peer benchmark page (peers.js): the weights come from the lab's safetensors (F16 or F32, the model
// description in __metadata__.vitcnn, as tools/train/checkpoint.py writes them). tfjs is the global `tf` of the
// page (tf-core.min.js and tf-backend-wasm.min.js). Activations are NHWC: the input x [B, 32, 32, 1] has the same
// memory layout as the engine's [B, 1, 32, 32].
/* global tf */

const LN_EPS = 1e-5;

// IEEE half -> float.
function halfToFloat(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

// safetensors bytes -> { tensors: name -> {shape, data: Float32Array}, meta: the vitcnn JSON }.
export function parseSafetensors(buffer) {
  const headerLen = Number(new DataView(buffer).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 8, headerLen)));
  const meta = JSON.parse(header.__metadata__.vitcnn);
  delete header.__metadata__;
  const tensors = {};
  for (const [name, t] of Object.entries(header)) {
    const [a, b] = t.data_offsets;
    const bytes = buffer.slice(8 + headerLen + a, 8 + headerLen + b);
    const data = t.dtype === 'F32' ? new Float32Array(bytes) : Float32Array.from(new Uint16Array(bytes), halfToFloat);
    tensors[name] = { shape: t.shape, data };
  }
  return { tensors, meta };
}

// Weights as tf tensors in the layouts the ops want: conv OIHW -> HWIO, linear [out, in] -> [in, out].
function weightsOf(tensors) {
  const w = {};
  for (const [name, { shape, data }] of Object.entries(tensors)) {
    const t = tf.tensor(data, shape);
    if (shape.length === 4) w[name] = tf.transpose(t, [2, 3, 1, 0]);
    else if (shape.length === 2 && name.endsWith('.weight')) w[name] = tf.transpose(t);
    else w[name] = t;
  }
  return w;
}

// x [B, H, W, Cin] -> [B, H/stride, W/stride, Cout]; pad k // 2 as in models.conv_bn.
function conv(w, prefix, x, stride, activation = 'linear') {
  const filter = w[prefix + '.weight'];
  return tf.fused.conv2d({ x, filter, strides: stride, pad: filter.shape[0] >> 1, bias: w[prefix + '.bias'],
                           activation });
}

// x [..., in] -> [..., out]
function linear(w, prefix, x) {
  const shape = x.shape;
  const y = tf.fused.matMul({ a: tf.reshape(x, [-1, shape[shape.length - 1]]), b: w[prefix + '.weight'],
                              bias: w[prefix + '.bias'] });
  return tf.reshape(y, [...shape.slice(0, -1), y.shape[1]]);
}

function layerNorm(w, prefix, x) {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, LN_EPS))), w[prefix + '.weight']),
                w[prefix + '.bias']);
}

const gelu = (x) => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));

// x [B, T, D] -> [B, T, D]
function attention(w, prefix, x, heads) {
  const [B, T, D] = x.shape;
  const dh = D / heads;
  const qkv = tf.transpose(tf.reshape(linear(w, prefix + '.qkv', x), [B, T, 3, heads, dh]), [2, 0, 3, 1, 4]);
  const [q, k, v] = tf.unstack(qkv);  // each [B, H, T, dh]
  const probs = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)));  // [B, H, T, T]
  const out = tf.reshape(tf.transpose(tf.matMul(probs, v), [0, 2, 1, 3]), [B, T, D]);
  return linear(w, prefix + '.proj', out);
}

// Pre-LN block: x + attn(norm1(x)), then + mlp(norm2(.)).
function block(w, prefix, x, heads) {
  x = tf.add(x, attention(w, prefix + '.attn', layerNorm(w, prefix + '.norm1', x), heads));
  const m = linear(w, prefix + '.mlp.fc2', gelu(linear(w, prefix + '.mlp.fc1', layerNorm(w, prefix + '.norm2', x))));
  return tf.add(x, m);
}

// tokens [B, N, D] -> logits [B, K]: CLS + position embedding, blocks, LayerNorm, head on CLS.
function tokenHead(w, cfg, tokens) {
  const [B, , D] = tokens.shape;
  const cls = tf.broadcastTo(w['tokens.cls_token'], [B, 1, D]);
  let x = tf.add(tf.concat([cls, tokens], 1), w['tokens.pos_embed']);
  for (let i = 0; i < cfg.depth; ++i) x = block(w, `tokens.blocks.${i}`, x, cfg.heads);
  x = layerNorm(w, 'tokens.norm', x);
  return linear(w, 'tokens.head', tf.squeeze(tf.slice(x, [0, 0, 0], [B, 1, D]), [1]));
}

// relu(conv2(relu(conv1(x))) + shortcut(x))
function basicBlock(w, prefix, x, stride) {
  const y = conv(w, prefix + '.conv2', conv(w, prefix + '.conv1', x, stride, 'relu'), 1);
  const s = w[prefix + '.shortcut.weight'] ? conv(w, prefix + '.shortcut', x, stride) : x;
  return tf.relu(tf.add(y, s));
}

// x [B, S, S, C] -> [B, S / prod(strides), S / prod(strides), widths[-1]]
function convTrunk(w, cfg, x) {
  x = conv(w, 'trunk.stem', x, 1, 'relu');
  cfg.strides.forEach((stride, s) => {
    for (let b = 0; b < cfg.blocks[s]; ++b) x = basicBlock(w, `trunk.stages.${s}.${b}`, x, b === 0 ? stride : 1);
  });
  return x;
}

// x [B, S, S, C] -> patches [B, S/p, S/p, D] (conv p x p, stride p, no padding)
const patchEmbed = (w, cfg, x) => tf.fused.conv2d({ x, filter: w['patch_embed.weight'], strides: cfg.patch,
                                                    pad: 'valid', bias: w['patch_embed.bias'] });

// NHWC [B, g, g, D] -> tokens [B, g*g, D] (row-major patches, as models.py's flatten(2).transpose(1, 2))
const toTokens = (x) => tf.reshape(x, [x.shape[0], -1, x.shape[3]]);

const FORWARD = {
  vit: (w, cfg, x) => tokenHead(w, cfg, toTokens(patchEmbed(w, cfg, x))),
  cnn: (w, cfg, x) => linear(w, 'head', tf.mean(convTrunk(w, cfg, x), [1, 2])),
  hybrid: (w, cfg, x) => tokenHead(w, cfg, toTokens(conv(w, 'proj', convTrunk(w, cfg, x), 1))),
};

// A model's forward with tfjs: x [B, 32, 32, 1] -> logits [B, 10] (a tf tensor; the caller disposes it).
export function buildModel(buffer) {
  const { tensors, meta } = parseSafetensors(buffer);
  const w = weightsOf(tensors);
  const forward = FORWARD[meta.arch];
  return (x) => tf.tidy(() => forward(w, meta.config, x));
}
