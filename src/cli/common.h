// Pieces shared by the `vitcnn` subcommands: the command table, model and input selection, JSON helpers.
#pragma once
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/args.h"
#include "core/error.h"
#include "core/idx.h"
#include "core/tensor.h"
#include "figures/render.h"
#include "models/model.h"

namespace vc::cli {

using nlohmann::json;

struct Command {
  std::string name, summary;
  std::vector<FlagSpec> flags;
  Result<json> (*run)(const Args& args);  // the JSON printed on stdout, or the error for stderr
};

// The flags every model command shares.
FlagSpec model_flag();
FlagSpec backend_flag();
FlagSpec data_flag();
FlagSpec image_flag();
FlagSpec test_index_flag();
FlagSpec fonts_flag();

// --threads N: the kernel threads (kernels/parallel.h); every command with --backend takes it (cli.cpp).
FlagSpec threads_flag();
// Sets the kernel threads from --threads (default: the hardware's), or the error for a bad value.
Status apply_threads(const Args& args);

// The kernel table named by --backend (default simd), or the error naming the backends.
Result<const KernelTable*> kernels_from_args(const Args& args);
// The model of --model (or of the flag named `flag`; required), kernels from --backend (default simd).
Result<std::unique_ptr<Model>> open_model(const Args& args, const std::string& flag = "model");
// The Fashion-MNIST test set from --data (default Debian's folder).
Result<LabeledImages> open_test_set(const Args& args);

// The one input image named by --image PATH (decoded, digit-styled) or --test-index N -> x [1, C, S, S];
// `source` describes it for the JSON output.
struct InputImage {
  Tensor x;
  json source;
};
Result<InputImage> input_from_args(const Model& model, const Args& args);

Result<std::vector<uint8_t>> read_file(const std::string& path);

// The slide figures' fonts, the lab's own files (cmake/platform.cmake subsets them): --fonts DIR (default the
// build's fonts folder) holding dejavu/DejaVuSans.ttf and, for Korean, nanum/NanumGothic.ttf (optional).
struct FigureFontFiles {
  std::vector<uint8_t> text, hangul;
  FigureFonts fonts() const { return {text, hangul}; }
};
Result<FigureFontFiles> read_figure_fonts(const Args& args);
// `figure` drawn by render_png (figures/render.h), written to `path`.
Status write_figure(const Figure& figure, const FigureFonts& fonts, const std::string& path);
// `figure` drawn as <stem>.png and its numbers `csv` (the figure's *_csv function of src/figures) as <stem>.csv.
Status write_figure_csv(const Figure& figure, const std::string& csv, const FigureFonts& fonts, const std::string& stem);
// The stem <out>/<name> of a figure written by write_figure_csv; lists its <stem>.png and <stem>.csv in `files`.
std::string figure_stem(const std::filesystem::path& out, const std::string& name, std::vector<std::string>* files);
// `text` written to `path` as it is.
Status write_text(const std::string& path, const std::string& text);
// --lang en|ko (default en): the language of the figures' words; an error naming the choices for another value.
Result<Language> figure_language(const Args& args);
FlagSpec lang_flag();
// v with `digits` decimals ("%.{digits}f"), for figure labels and summary text.
std::string fixed(double v, int digits);

}  // namespace vc::cli
