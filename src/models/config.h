// The "vitcnn" metadata of a weight file (tools/train/checkpoint.py): architecture, sizes, class names and
// input normalization, parsed and validated. Every size comes from the file; nothing is assumed.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/image.h"

namespace vc {

// The four model families (rvit: the vit with a relative-position attention bias).
enum class Arch { Vit, Cnn, Hybrid, Rvit };
// "vit", "cnn", "hybrid", "rvit": the spelling of the metadata and of every JSON output.
const char* arch_name(Arch arch);
// The arch that a metadata "arch" string names; nullopt for any other string.
std::optional<Arch> parse_arch(std::string_view name);

// Mirrors models.DEFAULT_CONFIGS: the fields an arch does not use stay 0 / empty.
struct ModelConfig {
  Arch arch = Arch::Vit;
  int image_size = 0, in_channels = 0, num_classes = 0;
  int patch = 0;                         // vit, rvit
  int stem_width = 0;                    // cnn, hybrid: the conv trunk
  std::vector<int> widths, strides, blocks;
  int dim = 0, depth = 0, heads = 0, mlp_hidden = 0;  // vit, hybrid, rvit: the token head
  // rvit: how training initialised the relative-bias tables ("locality" or "zero"; models.REL_BIAS_INITS).
  // Loading a file ignores it (the tables are weights); init_weights() starts the tables from it.
  std::string rel_bias_init;
};

struct ModelMeta {
  int format_version = 0;
  ModelConfig config;
  std::vector<std::string> class_names;
  InputSpec input;
};

constexpr int kMetaFormatVersion = 1;

// Bounds of the metadata, checked by parse_model_meta before any model is built. They reject absurd values
// (depth 10^6, dim 10^9, 0 or negative sizes) up front; the model budget (models/model.h) then bounds the
// parameters, activations and MACs that the accepted values add up to.
inline constexpr int kMaxSize = 4096;       // image side and strides, pixels
inline constexpr int kMaxWidth = 1 << 16;   // channels, dim, mlp_hidden
inline constexpr int kMaxDepth = 1024;      // transformer blocks; basic blocks per stage
inline constexpr int kMaxStages = 16;       // entries of widths / strides / blocks
inline constexpr int kMaxTokens = 1024;     // patch tokens (a 32 x 32 grid): attention keeps H x T x T scores and
                                            // rvit a T x T index; the shipped models have 64
inline constexpr int kMaxClasses = 10000;   // classes (the shipped ones have 10)
inline constexpr size_t kMaxClassNameBytes = 256;  // one class name, as the UI shows it

// Parses and validates the JSON text stored under __metadata__["vitcnn"].
Result<ModelMeta> parse_model_meta(const std::string& vitcnn_json);

}  // namespace vc
