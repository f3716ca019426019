#include "cli/representation_figures.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "analysis/predictions.h"
#include "analysis/representation_summary.h"
#include "analysis/representations.h"
#include "analysis/representations_json.h"
#include "figures/representation_figures.h"

namespace vc::cli {
namespace {

namespace fs = std::filesystem;

struct Family {
  std::string name;  // "vit", "cnn", "hybrid"
  std::unique_ptr<Model> model;
  SkipRatios skip;
  Equivariance equivariance;
};

const Family* find(const std::vector<Family>& fs, const std::string& name) {
  for (const Family& f : fs)
    if (f.name == name) return &f;
  return nullptr;
}

const char* likeness_word(Likeness l) {
  return l == Likeness::Alike ? "alike" : l == Likeness::Unlike ? "unlike" : "partly alike";
}

// The sentences on the seeds' claims, chosen by the verdicts of analysis/representation_summary.h (the rules the
// Representations view states too).
std::string claims_markdown(const std::vector<Family>& families, const CkaResult* vit_vit, const CkaResult* cnn_cnn,
                            const CkaResult* vit_cnn) {
  std::ostringstream md;
  md << "\n### The seeds' claims on our models\n\n";
  md << "- *(a) ViT layers more uniform from bottom to top than the CNN's* (seed 002 section 3, Raghu et al. 2021): ";
  const Result<UniformityVerdict> u =
      vit_vit && cnn_cnn ? compare_uniformity(*vit_vit, *cnn_cnn) : Result<UniformityVerdict>(Error{"no vit or cnn"});
  if (u) {
    md << "the mean CKA of all pairs of different layers is " << fixed(u->first_pairs, 3) << " within vit_p100 and "
       << fixed(u->second_pairs, 3) << " within cnn_p100 (adjacent layers: " << fixed(u->first_adjacent, 3) << " and "
       << fixed(u->second_adjacent, 3) << "; differences under " << fixed(kCkaMargin, 2) << " count as none). "
       << (u->verdict == Uniformity::First   ? "The ViT's layers are the more uniform, as the seed says."
           : u->verdict == Uniformity::Equal ? "The two are about equally uniform: the claim does not show on our models."
           : u->verdict == Uniformity::Second
               ? "The CNN's layers are the more uniform: the claim does not hold on our models."
               : "The two measures disagree, so the claim holds only in part here.")
       << "\n";
  } else {
    md << "needs vit_p100 and cnn_p100: not measured.\n";
  }
  md << "- *(b) ViT lower layers resemble the CNN's lower layers only partly* (seed 002 section 3): ";
  if (vit_cnn) {
    const double best = lower_half_best_match(*vit_cnn);
    const Likeness like = cka_likeness(best);
    md << "each layer of the ViT's lower half has at best a mean CKA of " << fixed(best, 2)
       << " with a layer of the CNN's lower half: " << likeness_word(like) << " (alike >= " << fixed(kCkaAlike, 1)
       << ", unlike < " << fixed(kCkaUnlike, 1) << "), "
       << (like == Likeness::Partly ? "as the seed says." : "not what the seed says.") << "\n";
  } else {
    md << "needs vit_p100 and cnn_p100: not measured.\n";
  }
  md << "- *(c) Skip-ratio phase transition: the CLS token's ratio high early and low late, the spatial tokens' the "
        "reverse* (seed 002 section 5-1): ";
  bool any = false;
  for (const Family& f : families) {
    const SkipTrend t = skip_trend(f.skip);
    if (!t.has_cls) continue;
    const SkipTransition tr = skip_transition(t);
    md << (any ? "; " : "") << f.name << "_p100: from the first half of the transformer branches to the second the CLS "
       << "ratio goes from " << fixed(t.cls_early, 2) << " to " << fixed(t.cls_late, 2) << " and the spatial tokens' from "
       << fixed(t.spatial_early, 2) << " to " << fixed(t.spatial_late, 2) << " ("
       << (tr == SkipTransition::AsSeed             ? "the transition the seed describes"
           : tr == SkipTransition::SpatialRisesOnly ? "the spatial tokens rise as the seed says, but the CLS token rises too"
           : tr == SkipTransition::ClsFallsOnly     ? "the CLS token falls as the seed says, but the spatial tokens do not rise"
                                                    : "the reverse of the seed's transition")
       << ")";
    any = true;
  }
  md << (any ? ".\n" : "needs a vit or hybrid p100: not measured.\n");
  md << "- *(d) CNN features more translation-equivariant than the ViT's* (seeds 000, 004): ";
  const Family* vit = find(families, "vit");
  const Family* cnn = find(families, "cnn");
  if (vit && cnn) {
    const Result<double> ev = mean_equivariance_error(vit->equivariance, kMaxShift);
    const Result<double> ec = mean_equivariance_error(cnn->equivariance, kMaxShift);
    if (ev && ec) {
      md << "for a " << kMaxShift << " px shift (one ViT patch) the mean relative error over the layers is "
         << fixed(100 * *ec, 1) << " % for cnn_p100 and " << fixed(100 * *ev, 1) << " % for vit_p100; the top-1 class "
         << "changes for " << fixed(100 * cnn->equivariance.top1_changed[kMaxShift - 1], 1) << " % and "
         << fixed(100 * vit->equivariance.top1_changed[kMaxShift - 1], 1) << " % of the images. "
         << (*ec < *ev ? "The CNN is the more equivariant, as the seeds say."
                       : "The ViT is as or more equivariant: the claim does not hold on our models.")
         << "\n";
    } else {
      md << "no layer has a whole-cell shift: not measured.\n";
    }
  } else {
    md << "needs vit_p100 and cnn_p100: not measured.\n";
  }
  return md.str();
}

}  // namespace

Result<RepresentationFigures> representation_figures(const fs::path& models, const fs::path& out,
                                                     const LabeledImages& set, int cka_images, int images,
                                                     const KernelTable& kernels, const FigureFonts& fonts,
                                                     Language L) {
  std::vector<Family> families;
  for (const char* name : {"vit", "cnn", "hybrid"}) {
    const fs::path path = models / (std::string(name) + "_p100.safetensors");
    if (!fs::exists(path)) continue;
    Result<std::unique_ptr<Model>> m = load_model_file(path.string());
    if (!m) return Error{"cannot load '" + path.string() + "': " + m.error().message};
    (*m)->set_kernels(kernels);
    Result<SkipRatios> s = skip_ratios(**m, test_set_input(set, 0, images, (*m)->input_spec()), 50);
    if (!s) return Error{path.string() + ": " + s.error().message};
    Result<Equivariance> e = equivariance_on_test_set(**m, set, 0, images);
    if (!e) return Error{path.string() + ": " + e.error().message};
    families.push_back({name, std::move(*m), std::move(*s), std::move(*e)});
  }
  if (families.empty()) return Error{"no vit, cnn or hybrid p100 checkpoint in '" + models.string() + "'"};

  RepresentationFigures fig;
  fig.numbers = {{"cka", json::object()}, {"skip", json::object()}, {"equivariance", json::object()}};
  const Family* vit = find(families, "vit");
  const Family* cnn = find(families, "cnn");
  const int batch = std::min(kCkaBatch, cka_images);
  std::vector<std::pair<std::string, CkaResult>> ckas;
  const std::pair<const Family*, const Family*> pairs[] = {{vit, vit}, {cnn, cnn}, {vit, cnn}};
  for (const auto& [a, b] : pairs) {
    if (!a || !b) continue;
    Result<CkaResult> r = cka_on_test_set(*a->model, *b->model, set, cka_images, batch);
    if (!r) return Error{"CKA " + a->name + " x " + b->name + ": " + r.error().message};
    const std::string key = a->name + "_" + b->name;
    const std::string stem = figure_stem(out, "cka_" + key, &fig.files);
    if (Status st = write_figure_csv(cka_figure(*r, a->name + "_p100", b->name + "_p100", L), cka_csv(*r), fonts, stem);
        !st)
      return st.error();
    fig.numbers["cka"][key] = cka_json(*r);
    ckas.emplace_back(key, std::move(*r));
  }
  auto cka_of = [&](const std::string& key) -> const CkaResult* {
    for (const auto& [k, r] : ckas)
      if (k == key) return &r;
    return nullptr;
  };
  std::vector<Measured<SkipRatios>> skips;
  std::vector<Measured<Equivariance>> equivariances;
  for (const Family& f : families) {
    skips.push_back({f.name + "_p100", &f.skip});
    equivariances.push_back({f.name + "_p100", &f.equivariance});
  }
  if (Status st =
          write_figure_csv(skip_figure(skips, L), skip_csv(skips), fonts, figure_stem(out, "skip_ratio", &fig.files));
      !st)
    return st.error();
  for (const Measured<SkipRatios>& m : skips)
    if (Status st = write_figure_csv(skip_heatmap_figure(*m.result, m.checkpoint, L), skip_tokens_csv(*m.result), fonts,
                                     figure_stem(out, "skip_ratio_tokens_" + m.checkpoint, &fig.files));
        !st)
      return st.error();
  if (Status st = write_figure_csv(equivariance_figure(equivariances, kMaxShift, L), equivariance_csv(equivariances),
                                   fonts, figure_stem(out, "equivariance", &fig.files));
      !st)
    return st.error();
  for (const Family& f : families) {
    fig.numbers["skip"][f.name] = skip_ratios_json(f.skip);
    fig.numbers["equivariance"][f.name] = equivariance_json(f.equivariance);
  }

  std::ostringstream md;
  md << "\n## Representations\n\n"
     << "Linear CKA (minibatch, unbiased HSIC) over the first " << cka_images << " test images in minibatches of "
     << batch << "; skip ratios ||x|| / ||x + f(x)|| and translation equivariance over the first " << images
     << " test images; the p100 checkpoints of ";
  for (size_t i = 0; i < families.size(); ++i) md << (i ? ", " : "") << families[i].name;
  md << ".\n";
  md << claims_markdown(families, cka_of("vit_vit"), cka_of("cnn_cnn"), cka_of("vit_cnn"));
  md << "\nFigures: ";
  for (const auto& [key, r] : ckas) md << "`cka_" << key << ".png` ";
  md << "(layer x layer CKA, blocks numbered from 1 and the stem / embedding before them named, with a colour bar), "
        "`skip_ratio.png` (x = residual branch in forward order, thick = mean over the spatial tokens / positions, "
        "thin = the CLS token), `skip_ratio_tokens_<model>.png` (the same per token: a heatmap of branch x token), "
        "`equivariance.png` (relative error of the features of the input shifted right by " << kMaxShift
     << " px vs the shifted features, by layer, where a whole number of cells). Each PNG is " << kFigureMinWidth
     << " px wide, drawn by the lab's renderer (src/figures) with its fonts: the lab's PNG export of the same result "
        "gives the same picture; its numbers are in the CSV of the same name, as the lab's CSV export writes them.\n";
  fig.markdown = md.str();
  return fig;
}

}  // namespace vc::cli
