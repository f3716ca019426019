// What a token model learned about position (the Attention view's "where does locality come from?"):
// the similarity of its learned position embeddings (ViT paper, Dosovitskiy et al. 2021, Fig. 7) and rvit's
// relative-position bias of each head as a kernel over key offsets. Pure functions of the model's weights.
#pragma once
#include <vector>

#include "core/error.h"
#include "core/tensor.h"
#include "models/model.h"

namespace vc {

// Side g of the token grid of a model with a position embedding "tokens.pos_embed" [1, 1 + g * g, D]
// (vit, rvit, hybrid); an error for a model without one (cnn).
Result<int> position_grid(const Model& model);

// Cosine similarity of patch `patch`'s learned position embedding with every patch's -> [g, g]:
// s[q] = <p_patch, p_q> / (|p_patch| |p_q|), p_t = pos_embed[0, 1 + t] (the CLS row excluded), patches in
// row-major grid order; computed in double. s[patch] = 1 and s(a)[b] = s(b)[a]. An error for a model without a
// position embedding, a patch outside [0, g * g) or a zero embedding.
Result<Tensor> position_embedding_similarity(const Model& model, int patch);

// rvit: the bias head `head` of block `layer` adds to the logit of a key dr rows below and dc columns right of
// its patch query (both patch tokens), at [dr + g - 1, dc + g - 1] -> [2g - 1, 2g - 1]: "the kernel the head
// learned". The stored table "tokens.blocks.{layer}.attn.rel_bias" [H, 2g-1, 2g-1] is indexed by query minus
// key (relative_bias.h), so the kernel is table[head] rotated by 180 degrees. An error for a model without
// tables (vit, cnn, hybrid) or a layer or head out of range.
Result<Tensor> relative_bias_kernel(const Model& model, int layer, int head);
// Every kernel of an rvit: kernels[layer * heads + head]. An error for a model without tables.
struct BiasKernels {
  int layers = 0, heads = 0;
  std::vector<Tensor> kernels;
};
Result<BiasKernels> relative_bias_kernels(const Model& model);

// exp(kernel - max kernel), same shape, in (0, 1]: the factor by which the bias alone scales a key's attention
// weight against the offset it favours most (softmax(z + b) is proportional to exp(z) exp(b)). 1 everywhere for a
// zero table; a single bright cell for a head whose bias falls off fast.
Tensor relative_bias_weights(const Tensor& kernel);

}  // namespace vc
