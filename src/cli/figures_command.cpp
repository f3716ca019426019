// vitcnn figures: slide figures for the attention analyses (and, through cli/rf_figures.h and
// cli/representation_figures.h, the receptive fields and the representations), built by src/figures and drawn by its
// renderer as the lab's PNG export draws them, and summary.md with the measured numbers behind them.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include "analysis/attention.h"
#include "analysis/attention_json.h"
#include "analysis/position.h"
#include "analysis/predictions.h"
#include "cli/cli.h"
#include "cli/compare_command.h"
#include "cli/representation_figures.h"
#include "cli/rf_figures.h"
#include "figures/attention_figures.h"
#include "figures/csv.h"
#include "figures/prediction_figures.h"
#include "figures/words.h"

namespace vc::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFractions[] = {"001", "003", "010", "030", "100"};

struct Checkpoint {
  std::string name;  // e.g. "vit_p100"
  std::unique_ptr<Model> model;
  json meta;
  AttentionDistance distance;  // mean over the evaluation images
};

// attention_grid_figure (figures/attention_figures.h) of the CLS maps of test image `index` through `model`, every
// map on its own scale, as <stem>.png and its numbers as <stem>.csv.
Status write_attention_grid(const Checkpoint& cp, const LabeledImages& set, int index, const FigureFonts& fonts,
                            Language L, const std::string& stem) {
  const InputSpec& spec = cp.model->input_spec();
  Result<AttentionImage> a = analyse_attention(*cp.model, test_set_input(set, index, 1, spec), false);
  if (!a) return a.error();
  const AttentionMaps maps{&*a, cp.name, model_view(test_set_pixels(set, index, 1), set.cols, spec), spec.size, -1,
                           std::nullopt};
  const Figure f = attention_grid_figure(maps, L);
  return write_figure_csv(f, maps_csv(f), fonts, stem);
}

// position_similarity_grid_figure (figures/attention_figures.h) of `cp`: every patch's similarity map, as
// <stem>.png and <stem>.csv.
Status write_position_similarity(const Checkpoint& cp, const FigureFonts& fonts, Language L, const std::string& stem) {
  Result<int> grid = position_grid(*cp.model);
  if (!grid) return grid.error();
  std::vector<Tensor> maps;
  for (int patch = 0; patch < *grid * *grid; ++patch) {
    Result<Tensor> map = position_embedding_similarity(*cp.model, patch);
    if (!map) return Error{cp.name + ": " + map.error().message};
    maps.push_back(std::move(*map));
  }
  const Figure f = position_similarity_grid_figure(maps, *grid, cp.name, L);
  return write_figure_csv(f, maps_csv(f), fonts, stem);
}

// predictions_figure (figures/prediction_figures.h) of test image `index` through the p100 checkpoint of every family
// in `models` (those without one left out; classes named in L's words), as <stem>.png and <stem>.csv.
Status write_predictions(const fs::path& models, const LabeledImages& set, int index, const KernelTable& kernels,
                         const FigureFonts& fonts, Language L, const std::string& stem) {
  std::vector<std::string> names, classes;
  std::vector<std::vector<double>> probs;
  for (const char* family : {"vit", "cnn", "hybrid", "rvit"}) {
    const fs::path path = models / (std::string(family) + "_p100.safetensors");
    if (!fs::exists(path)) continue;
    Result<std::unique_ptr<Model>> m = load_model_file(path.string());
    if (!m) return Error{"cannot load '" + path.string() + "': " + m.error().message};
    (*m)->set_kernels(kernels);
    Result<Tensor> logits = (*m)->forward(test_set_input(set, index, 1, (*m)->input_spec()), nullptr);
    if (!logits) return Error{path.string() + ": " + logits.error().message};
    names.push_back(std::string(family) + "_p100");
    probs.push_back(softmax_probs(logits->data));
  }
  // The test set's classes in L's words (figures/words.h), as the lab names them.
  for (size_t c = 0; !probs.empty() && c < probs.front().size(); ++c)
    classes.emplace_back(class_words(static_cast<int>(c), L));
  std::vector<Measured<std::vector<double>>> shown;
  for (size_t i = 0; i < names.size(); ++i) shown.push_back({names[i], &probs[i]});
  return write_figure_csv(predictions_figure(shown, classes, set.labels[index], L), predictions_csv(shown, classes),
                          fonts, stem);
}

// distance_figure (figures/attention_figures.h) of checkpoints a and b, averaged over `images` test images, as
// <stem>.png and <stem>.csv.
Status write_distance_figure(const Checkpoint& a, const Checkpoint& b, double uniform_px, int images,
                             const FigureFonts& fonts, Language L, const std::string& stem) {
  const Measured<AttentionDistance> models[] = {{a.name, &a.distance}, {b.name, &b.distance}};
  return write_figure_csv(distance_figure(models, uniform_px, images, L), distance_csv(models), fonts, stem);
}

// The nearest head of layers [0, first_layers).
double nearest_head(const AttentionDistance& d, int first_layers) {
  return *std::min_element(d.px.begin(), d.px.begin() + std::min(first_layers, d.layers) * d.heads);
}
int nearest_layer(const AttentionDistance& d) {
  int best = 0;
  for (int l = 1; l < d.layers; ++l) best = layer_head_mean(d, l) < layer_head_mean(d, best) ? l : best;
  return best;
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// rvit_p100 and rvitzero_p100 among the rvit checkpoints (then distance_scatter_rvit.png compares them).
const Checkpoint* find_checkpoint(const std::vector<Checkpoint>& group, const std::string& name) {
  for (const Checkpoint& cp : group)
    if (cp.name == name) return &cp;
  return nullptr;
}
bool has_rvit_pair(const std::vector<Checkpoint>& rvits) {
  return find_checkpoint(rvits, "rvit_p100") && find_checkpoint(rvits, "rvitzero_p100");
}

// "Where does locality come from?": locality() of every vit and rvit / rvitzero checkpoint (every layer counted),
// and one sentence per claim, each chosen by the numbers.
std::string locality_markdown(const std::vector<Checkpoint>& vits, const std::vector<Checkpoint>& rvits) {
  std::ostringstream md;
  md << "\n## Where does locality come from? (vit, rvit and its control)\n\n"
     << "rvit is the vit with a learned bias per attention head for every offset between two patches, added to the "
        "attention logits; its tables started at a locality prior (-d^2 / 4^h, d in px). rvitzero is the control: the "
        "same architecture with the tables started at zero. Every layer counted:\n\n"
     << "| checkpoint | local heads, all layers | farthest head from uniform, px | nearest head, px |\n"
        "|---|---|---|---|\n";
  struct Counted {
    const Checkpoint* cp;
    Locality l;
  };
  std::vector<Counted> plain, prior, control;
  for (const std::vector<Checkpoint>* group : {&vits, &rvits})
    for (const Checkpoint& cp : *group) {
      Result<Locality> l = locality(cp.distance);
      if (!l) continue;
      md << "| " << cp.name << " | " << l->local_heads << " of " << l->heads << " | "
         << fixed(l->farthest_from_uniform_px, 2) << " | " << fixed(nearest_head(cp.distance, cp.distance.layers), 2)
         << " |\n";
      (starts_with(cp.name, "rvitzero_") ? control : starts_with(cp.name, "rvit_") ? prior : plain).push_back({&cp, *l});
    }
  // How many of a group have at least one local head, and the group's extremes.
  auto summary = [](const std::vector<Counted>& g, int* with_local, int* lo, int* hi, double* farthest) {
    *with_local = 0;
    *lo = g.empty() ? 0 : g.front().l.local_heads;
    *hi = *lo;
    *farthest = 0.0;
    for (const Counted& c : g) {
      *with_local += c.l.local_heads > 0;
      *lo = std::min(*lo, c.l.local_heads);
      *hi = std::max(*hi, c.l.local_heads);
      *farthest = std::max(*farthest, c.l.farthest_from_uniform_px);
    }
  };
  int n = 0, lo = 0, hi = 0;
  double farthest = 0.0;
  auto range = [&] { return lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi); };
  md << "\n";
  if (!plain.empty()) {
    summary(plain, &n, &lo, &hi, &farthest);
    if (n == 0)
      md << "- Plain ViT: no checkpoint has a local head, at any data share; every head stays within "
         << fixed(farthest, 2) << " px of uniform attention (" << fixed(plain.front().l.uniform_px, 2) << " px).\n";
    else
      md << "- Plain ViT: " << n << " of " << plain.size() << " checkpoints have local heads (" << range() << " of "
         << plain.front().l.heads << ").\n";
  }
  if (!prior.empty()) {
    summary(prior, &n, &lo, &hi, &farthest);
    const int heads = prior.front().l.heads;
    if (n == static_cast<int>(prior.size()))
      md << "- rvit: every checkpoint keeps local heads after training, at every data share: " << range() << " of "
         << heads << " heads are local.\n";
    else if (n == 0)
      md << "- rvit: its heads do not stay local after training with the prior: no checkpoint has a local head (the "
            "table above shows how near each one's nearest head stays).\n";
    else
      md << "- rvit: only " << n << " of " << prior.size() << " checkpoints keep local heads (" << range() << " of "
         << heads << ").\n";
  }
  if (!control.empty()) {
    int prior_local = 0, dummy_lo = 0, dummy_hi = 0;
    double dummy = 0.0;
    summary(prior, &prior_local, &dummy_lo, &dummy_hi, &dummy);
    summary(control, &n, &lo, &hi, &farthest);
    if (n == 0)
      md << "- Control (tables started at zero): no local head in " << control.size()
         << " checkpoint(s); every head within " << fixed(farthest, 2) << " px of uniform. "
         << (prior_local > 0 ? "The mechanism alone does not make heads local here: rvit's locality comes from the "
                               "prior, not from the data.\n"
                             : "Neither start gives local heads.\n");
    else
      md << "- Control (tables started at zero): " << n << " of " << control.size() << " checkpoint(s) have local "
            "heads (" << range() << "): the data alone teach some locality through the table.\n";
  }
  return md.str();
}

// The numbers, and sentences chosen by them: growth with depth counts as clear only when the last layer's
// head mean exceeds the first's by at least 10 % of the uniform level in most models.
std::string summary_markdown(const std::vector<Checkpoint>& vits, const std::vector<Checkpoint>& others,
                             const std::vector<Checkpoint>& rvits, int images, double uniform_px, double cell_px,
                             const std::string& backend) {
  const double threshold = kLocalFraction * uniform_px, clear_growth = 0.1 * uniform_px;
  const int early = kEarlyLayers;
  std::ostringstream md;
  md << "# Mean attention distance of the lab's checkpoints\n\n"
     << "Measured by `vitcnn figures` (backend " << backend << ") on the first " << images
     << " Fashion-MNIST test images: for each image, layer and head, the attention-weighted mean distance between "
        "patch tokens (CLS excluded), in input pixels (one token cell = "
     << fixed(cell_px, 0) << " px); then the mean over the images.\n\n"
     << "Reference level: attention spread uniformly over the patch grid gives " << fixed(uniform_px, 2)
     << " px. A head is called **local** when its mean distance is below half of that, " << fixed(threshold, 2)
     << " px.\n\n"
     << "| checkpoint | train samples | test acc | mean distance per layer, px (head mean) | local heads in layers 1-"
     << early << " | nearest head in layers 1-" << early << ", px |\n|---|---|---|---|---|---|\n";
  auto row = [&](const Checkpoint& cp) {
    const json train = cp.meta.value("train", json::object());
    md << "| " << cp.name << " | " << (train.contains("samples") ? train["samples"].dump() : "?") << " | "
       << (cp.meta.contains("test_accuracy") ? fixed(cp.meta["test_accuracy"].get<double>(), 4) : "?") << " | ";
    for (int l = 0; l < cp.distance.layers; ++l) md << (l ? ", " : "") << fixed(layer_head_mean(cp.distance, l), 2);
    md << " | " << local_heads(cp.distance, early, threshold) << " of " << early * cp.distance.heads << " | "
       << fixed(nearest_head(cp.distance, early), 2) << " |\n";
  };
  for (const std::vector<Checkpoint>* group : {&vits, &rvits, &others})
    for (const Checkpoint& cp : *group) row(cp);

  md << "\n## Does the mean distance grow with depth?\n\n";
  int grows = 0;
  double growth_sum = 0.0;
  for (const Checkpoint& cp : vits) {
    const int last = cp.distance.layers - 1;
    const double growth = layer_head_mean(cp.distance, last) - layer_head_mean(cp.distance, 0);
    grows += growth >= clear_growth;
    growth_sum += growth;
    md << "- " << cp.name << ": layer 1 " << fixed(layer_head_mean(cp.distance, 0), 2) << " px, layer " << last + 1
       << " " << fixed(layer_head_mean(cp.distance, last), 2) << " px (" << (growth >= 0 ? "+" : "")
       << fixed(growth, 2) << "); lowest head mean at layer " << nearest_layer(cp.distance) + 1 << " ("
       << fixed(layer_head_mean(cp.distance, nearest_layer(cp.distance)), 2) << " px)\n";
  }
  const double mean_growth = vits.empty() ? 0.0 : growth_sum / vits.size();
  md << "\nA clear growth would be a last layer at least " << fixed(clear_growth, 2)
     << " px (10 % of the uniform level) above the first. ";
  if (grows * 2 > static_cast<int>(vits.size()))
    md << grows << " of " << vits.size()
       << " ViT checkpoints show it: in our models the mean distance grows with depth, as in the ViT paper.\n";
  else {
    int middle = 0;  // models whose most local layer is neither the first nor the last
    double max_deviation = 0.0;
    for (const Checkpoint& cp : vits)
      for (int l = 0; l < cp.distance.layers; ++l)
        max_deviation = std::max(max_deviation, std::fabs(layer_head_mean(cp.distance, l) - uniform_px));
    for (const Checkpoint& cp : vits) {
      const int l = nearest_layer(cp.distance);
      middle += l > 0 && l < cp.distance.layers - 1;
    }
    md << "Only " << grows << " of " << vits.size() << " ViT checkpoints show it (mean change last minus first: "
       << (mean_growth >= 0 ? "+" : "") << fixed(mean_growth, 2)
       << " px). So our models do not reproduce the paper's growth with depth: every layer's head mean stays within "
       << fixed(100.0 * max_deviation / uniform_px, 0) << " % of the uniform level";
    if (middle * 2 > static_cast<int>(vits.size()))
      md << ", and the most local layer is a middle one in " << middle << " of " << vits.size() << " models";
    md << ". On the " << (vits.empty() ? 0 : vits.front().distance.grid) << "x"
       << (vits.empty() ? 0 : vits.front().distance.grid) << " token grid the farthest token is "
       << fixed(vits.empty() ? 0.0 : (vits.front().distance.grid - 1) * std::sqrt(2.0) * cell_px, 1)
       << " px away, which leaves little room between local and global.\n";
  }

  md << "\n## Do low-data ViTs have fewer local heads early?\n\n";
  for (const Checkpoint& cp : vits)
    md << "- " << cp.name << ": " << local_heads(cp.distance, early, threshold) << " local heads of "
       << early * cp.distance.heads << " in layers 1-" << early << "; nearest head "
       << fixed(nearest_head(cp.distance, early), 2) << " px\n";
  if (vits.size() >= 2) {
    const AttentionDistance& lo = vits.front().distance;
    const AttentionDistance& hi = vits.back().distance;
    const int n_lo = local_heads(lo, early, threshold), n_hi = local_heads(hi, early, threshold);
    md << "\n" << vits.front().name << " has " << n_lo << ", " << vits.back().name << " has " << n_hi << ". ";
    if (n_lo < n_hi)
      md << "The low-data model has fewer local heads early, in the direction the ViT paper reports for ImageNet-only "
            "training.\n";
    else if (n_lo > n_hi)
      md << "The low-data model has more local heads early: the opposite of the paper's observation, at our (much "
            "smaller) scale.\n";
    else {
      // Below the threshold: compare the nearest early heads, a difference under 5 % of the uniform level being none.
      const double d_lo = nearest_head(lo, early), d_hi = nearest_head(hi, early), margin = 0.05 * uniform_px;
      md << "By this threshold the data fraction makes no difference. The nearest early head is " << fixed(d_hi, 2)
         << " px for " << vits.back().name << " and " << fixed(d_lo, 2) << " px for " << vits.front().name << ": "
         << (d_lo - d_hi >= margin   ? "more data does give more local early heads, the paper's direction."
             : d_hi - d_lo >= margin ? "the low-data model's early heads are the more local ones."
                                     : "a difference under " + fixed(margin, 2) +
                                           " px (5 % of the uniform level), i.e. none worth the name.")
         << "\n";
    }
  }
  md << locality_markdown(vits, rvits);
  md << "\nFigures: `attention_grid.png` (CLS maps of " << (vits.empty() ? "" : vits.back().name)
     << ", layers down, heads across, each map over the input on its own colour scale; its numbers in "
        "`attention_grid.csv`), `distance_scatter.png` (one dot per head, "
        "x = layer from 1, y = mean distance in px, lines = head means; dark blue = 100 % of the data, light blue = 1 %; "
        "dashed: uniform attention and the local threshold; drawn by the lab's renderer, src/figures)";
  if (has_rvit_pair(rvits))
    md << ", `distance_scatter_rvit.png` (the same for rvit_p100, purple, and its control rvitzero_p100, brown)";
  md << ", `position_similarity.png` (" << (vits.empty() ? "" : vits.back().name)
     << ": for every patch, the cosine similarity of its learned position embedding with every patch's, one small map "
        "per patch placed where the patch lies, as in the ViT paper's figure 7). Every PNG's numbers are in the CSV of "
        "the same name.\n";
  return md.str();
}

Result<json> run_figures(const Args& args) {
  if (!args.has("out")) return Error{"--out DIR is required"};
  const fs::path out = args.get("out"), models = args.get("models", "assets/models");
  Result<LabeledImages> set = open_test_set(args);
  if (!set) return set.error();
  Result<int> images = args.get_int("images", 256, 1, set->count);
  if (!images) return images.error();
  Result<int> gallery = args.get_int("test-index", 0, 0, set->count - 1);
  if (!gallery) return gallery.error();
  Result<const KernelTable*> chosen = kernels_from_args(args);
  if (!chosen) return chosen.error();
  const KernelTable* kernels = *chosen;
  const std::string backend = kernels->name;
  Result<FigureFontFiles> fonts = read_figure_fonts(args);
  if (!fonts) return fonts.error();
  Result<Language> lang = figure_language(args);
  if (!lang) return lang.error();

  std::vector<Checkpoint> vits, others, rvits;
  for (const char* arch : {"vit", "hybrid", "rvit", "rvitzero"})
    for (const char* frac : kFractions) {
      const fs::path path = models / (std::string(arch) + "_p" + frac + ".safetensors");
      if (!fs::exists(path)) continue;
      Result<std::unique_ptr<Model>> m = load_model_file(path.string());
      if (!m) return Error{"cannot load '" + path.string() + "': " + m.error().message};
      (*m)->set_kernels(*kernels);
      const Tensor x = test_set_input(*set, 0, *images, (*m)->input_spec());
      Result<AttentionDistance> d = mean_attention_distance(**m, x, 64);
      if (!d) return Error{path.string() + ": " + d.error().message};
      json meta = json::parse((*m)->metadata_json(), nullptr, false);
      Checkpoint cp{std::string(arch) + "_p" + frac, std::move(*m), meta.is_discarded() ? json::object() : meta, *d};
      (std::string(arch) == "vit" ? vits : std::string(arch) == "hybrid" ? others : rvits).push_back(std::move(cp));
    }
  if (vits.empty() || vits.front().name != "vit_p001" || vits.back().name != "vit_p100")
    return Error{"figures need vit_p001.safetensors and vit_p100.safetensors in '" + models.string() + "'"};

  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) return Error{"cannot create '" + out.string() + "': " + ec.message()};
  const Checkpoint& high = vits.back();
  const Checkpoint& low = vits.front();
  if (Status st = write_attention_grid(high, *set, *gallery, fonts->fonts(), *lang, (out / "attention_grid").string());
      !st)
    return st.error();
  const double cell = high.distance.cell_px;
  Result<double> uniform = uniform_attention_distance_px(high.distance.grid, cell);
  if (!uniform) return uniform.error();
  std::vector<std::string> files;
  figure_stem(out, "attention_grid", &files);
  if (Status st = write_distance_figure(high, low, *uniform, *images, fonts->fonts(), *lang,
                                        figure_stem(out, "distance_scatter", &files));
      !st)
    return st.error();
  if (has_rvit_pair(rvits))
    if (Status st = write_distance_figure(*find_checkpoint(rvits, "rvit_p100"), *find_checkpoint(rvits, "rvitzero_p100"),
                                          *uniform, *images, fonts->fonts(), *lang,
                                          figure_stem(out, "distance_scatter_rvit", &files));
        !st)
      return st.error();
  if (Status st =
          write_position_similarity(high, fonts->fonts(), *lang, figure_stem(out, "position_similarity", &files));
      !st)
    return st.error();
  Result<int> rf_images = args.get_int("rf-images", 100, 1, set->count);
  if (!rf_images) return rf_images.error();
  Result<RfFigures> rf = receptive_field_figures(models, out, *set, *rf_images, *kernels, fonts->fonts(), *lang);
  if (!rf) return rf.error();
  Result<int> cka_images = args.get_int("cka-images", 1000, 1, set->count);
  if (!cka_images) return cka_images.error();
  Result<int> repr_images = args.get_int("repr-images", 100, 1, set->count);
  if (!repr_images) return repr_images.error();
  Result<RepresentationFigures> repr = representation_figures(models, out, *set, *cka_images, *repr_images, *kernels,
                                                                fonts->fonts(), *lang);
  if (!repr) return repr.error();
  Result<DataScaleFigure> scale = data_scale_figure(models, out, fonts->fonts(), *lang);
  if (!scale) return scale.error();
  if (Status st = write_predictions(models, *set, *gallery, *kernels, fonts->fonts(), *lang, (out / "predictions").string());
      !st)
    return st.error();
  std::ofstream md(out / "summary.md");
  md << summary_markdown(vits, others, rvits, *images, *uniform, cell, backend) << rf->markdown << repr->markdown
     << scale->markdown;
  if (!md) return Error{"cannot write '" + (out / "summary.md").string() + "'"};

  json distances = json::object(), localities = json::object();
  for (const std::vector<Checkpoint>* group : {&vits, &others, &rvits})
    for (const Checkpoint& cp : *group) {
      distances[cp.name] = layer_head_json(cp.distance.px, cp.distance.layers, cp.distance.heads);
      if (Result<Locality> l = locality(cp.distance); l)
        localities[cp.name] = {{"local_heads", l->local_heads},
                               {"heads", l->heads},
                               {"farthest_from_uniform_px", l->farthest_from_uniform_px}};
    }
  files.push_back((out / "summary.md").string());
  for (const std::string& f : rf->files) files.push_back(f);
  for (const std::string& f : repr->files) files.push_back(f);
  for (const std::string& f : scale->files) files.push_back(f);
  figure_stem(out, "predictions", &files);
  return json{{"files", files},
              {"images", *images},
              {"gallery_test_index", *gallery},
              {"uniform_px", *uniform},
              {"local_threshold_px", kLocalFraction * *uniform},
              {"distance_px", distances},
              {"locality", localities},
              {"rf_images", *rf_images},
              {"receptive_field", rf->numbers},
              {"cka_images", *cka_images},
              {"repr_images", *repr_images},
              {"representations", repr->numbers},
              {"data_scale", scale->numbers}};
}

}  // namespace

Command figures_command() {
  return {"figures",
          "attention, position-embedding, receptive-field, representation, data-scale and prediction PNGs, each with "
          "the CSV of its numbers, plus summary.md with the measured numbers",
          {{"out", "DIR", "output folder (created)"},
           {"models", "DIR", "checkpoint folder (default assets/models; needs vit_p001 and vit_p100)"},
           {"images", "N", "test images the distances are averaged over (default 256)"},
           {"test-index", "N", "test image shown in the attention grid and the predictions (default 0)"},
           {"rf-images", "N", "test images the effective receptive fields are averaged over (default 100)"},
           {"cka-images", "N", "test images of the CKA matrices (default 1000, minibatches of 100 or N)"},
           {"repr-images", "N", "test images of the skip ratios and the equivariance (default 100)"},
           data_flag(), backend_flag(), fonts_flag(), lang_flag()},
          run_figures};
}

}  // namespace vc::cli
