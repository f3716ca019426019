// The slide figures of the Attention view (analysis/attention.h), as Figures (figures/figure.h) for the lab's PNG
// export and `vitcnn figures` alike: the distance plot, the layers x heads grid of maps, one map enlarged and the
// position embeddings' similarity.
// Checkpoints are named in words (figures/words.h); layers, heads and patch rows / columns count from 1.
#pragma once
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analysis/attention.h"
#include "analysis/position.h"
#include "figures/figure.h"

namespace vc {

// Mean attention distance by layer: per checkpoint the mean over its heads (a line) and every head (dots around
// it); dashed: the distance of uniform attention (uniform_px) and the local threshold (kLocalFraction of it).
// `images`: how many test images the distances are averaged over, 0 for the one image shown.
Figure distance_figure(std::span<const Measured<AttentionDistance>> models, double uniform_px, int images, Language L);
// Its numbers: one CSV line per checkpoint, layer and head (both from 1), "model,layer,head,distance_px".
std::string distance_csv(std::span<const Measured<AttentionDistance>> models);

// What the Attention view's maps show: one image's attention (analysis/attention.h) through one checkpoint.
struct AttentionMaps {
  const AttentionImage* attention = nullptr;
  std::string checkpoint;     // "vit_p100", named in words
  std::vector<double> image;  // model_view of the input
  int image_side = 0;         // its side: the model input's
  int patch = -1;             // whose attention: -1 the CLS token's, else that patch's (row-major on the grid)
  std::optional<double> shared_max;  // every map coloured from 0 to this; nullopt: each map from 0 to its own max
  double opacity = 0.65;             // of the maps over the image
};

// The layers x heads grid of maps (layer 1 at the top, head 1 on the left), each the row of attention_map over the
// patch grid laid over the input, with a colour bar (the shared range, else the share of each map's largest weight).
Figure attention_grid_figure(const AttentionMaps& maps, Language L);
// An rvit's learned relative-position bias, one kernel per layer and head (analysis/position.h
// relative_bias_kernels; the rvit grid shows each beside its map): each kernel's relative_bias_weights over the
// offsets from the query patch (key minus query, the centre cell: offset 0, marked), on one scale from 0 to 1. Its
// maps_csv cells count from 1: cell (r, c) is the offset (r - g, c - g) for a grid of side g.
Figure bias_kernels_figure(const BiasKernels& kernels, const std::string& checkpoint, Language L);
// One map enlarged: (layer, head), or with `rollout` the rollout through `layer` (0-based; shown from 1).
Figure attention_map_figure(const AttentionMaps& maps, int layer, int head, bool rollout, Language L);

// A model's learned position embeddings (analysis/position.h position_embedding_similarity): the cosine similarity
// of one patch's embedding with every patch's, on one scale from -1 to 1, the patch outlined; over no image (the
// embeddings belong to no input). position_similarity_figure: the map of `patch` (row-major on the grid of side
// `grid`), its cells numbered from 1. position_similarity_grid_figure: the maps of every patch, in a grid x grid
// grid of panels placed where the patch lies (as in the ViT paper's figure 7); `maps`: one [grid, grid] map per
// patch, row-major.
Figure position_similarity_figure(const Tensor& map, int grid, int patch, const std::string& checkpoint, Language L);
Figure position_similarity_grid_figure(std::span<const Tensor> maps, int grid, const std::string& checkpoint,
                                       Language L);

}  // namespace vc
