#include "cli/representation_figures.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "analysis/predictions.h"
#include "analysis/representation_summary.h"
#include "analysis/representations.h"
#include "analysis/representations_json.h"
#include "cli/raster.h"

namespace vc::cli {
namespace {

namespace fs = std::filesystem;

constexpr Rgb kWhite{255, 255, 255}, kInk{40, 40, 40}, kGrid{225, 225, 225};

struct Family {
  std::string name;  // "vit", "cnn", "hybrid"
  Rgb color;
  std::unique_ptr<Model> model;
  SkipRatios skip;
  Equivariance equivariance;
};

const Family* find(const std::vector<Family>& fs, const std::string& name) {
  for (const Family& f : fs)
    if (f.name == name) return &f;
  return nullptr;
}

// The families' colours, then a thick line labelled `thick` and a thin one with a dot labelled `thin`.
void draw_legend(Canvas& c, const std::vector<Family>& families, int x, int y, const std::string& thick,
                 const std::string& thin) {
  std::vector<std::pair<std::string, Rgb>> swatches;
  for (const Family& f : families) swatches.emplace_back(f.name, f.color);
  y = draw_swatches(c, x, y, swatches, kInk);
  c.line(x, y + 15, x + 24, y + 15, 3.0, kInk);
  c.text(x + 32, y + 10, thick, 2, kInk);
  c.line(x, y + 35, x + 24, y + 35, 1.5, kInk);
  c.dot(x + 12, y + 35, 3.5, kInk);
  c.text(x + 32, y + 30, thin, 2, kInk);
}

// Rows x cols cells coloured by CKA in [0, 1], each with its value; row names on the left, column names below
// (alternating between two lines so that long names do not overlap).
Status draw_cka(const CkaResult& r, const std::string& row_title, const std::string& col_title,
                const std::string& path) {
  const int cw = 92, ch = 44, left = 120, top = 40, bottom = 70;
  const int rows = static_cast<int>(r.rows.size()), cols = static_cast<int>(r.cols.size());
  Canvas c(left + cols * cw + 20, top + rows * ch + bottom, kWhite);
  c.text(8, 10, row_title + " rows  " + col_title + " columns  linear cka", 2, kInk);
  for (int i = 0; i < rows; ++i) {
    c.text(6, top + i * ch + ch / 2 - 5, r.rows[i], 2, kInk);
    for (int j = 0; j < cols; ++j) {
      const double v = r.matrix[static_cast<size_t>(i) * cols + j];
      const int x0 = left + j * cw, y0 = top + i * ch;
      c.fill_rect(x0, y0, cw - 2, ch - 2, colormap(static_cast<float>(v)));
      c.text(x0 + cw / 2 - 16, y0 + ch / 2 - 5, fixed(v, 2), 2, v > 0.6 ? kInk : kWhite);
    }
  }
  for (int j = 0; j < cols; ++j)
    c.text(left + j * cw + 4, top + rows * ch + 8 + (j % 2) * 16, r.cols[j], 2, kInk);
  return c.save_png(path);
}

// One family's two curves over x = 0, 1, ...: a value per x, NaN where it has none.
struct Curves {
  const Family* family;
  std::vector<double> thick, thin;
};

// Per family its thick and thin curve, with dots; y from 0 to the largest value (at least `floor`) rounded up to
// `step`, grid lines every `step` (2 steps when that makes more than 8).
Status draw_curves(const std::vector<Family>& families, const std::vector<Curves>& curves, double floor, double step,
                   const std::string& x_title, const std::string& y_title, const std::string& thick,
                   const std::string& thin, const std::string& path) {
  const int w = 860, h = 480, left = 70, right = 220, top = 40, bottom = 56;
  size_t count = 0;
  double peak = floor;
  for (const Curves& cv : curves) {
    count = std::max(count, cv.thick.size());
    for (const std::vector<double>* v : {&cv.thick, &cv.thin})
      for (double y : *v)
        if (!std::isnan(y)) peak = std::max(peak, y);
  }
  const double ymax = std::ceil(peak / step) * step;
  const PlotFrame frame(w, h, left, right, top, bottom, static_cast<int>(count), ymax);
  Canvas c(w, h, kWhite);
  frame.draw(c, ymax > 8 * step ? 2 * step : step, x_title, y_title, kInk, kGrid);
  for (const Curves& cv : curves)
    for (const auto& [v, width] : {std::pair{&cv.thick, 3.0}, std::pair{&cv.thin, 1.5}})
      for (size_t i = 0; i < v->size(); ++i) {
        if (std::isnan((*v)[i])) continue;
        c.dot(frame.x(i), frame.y((*v)[i]), width + 1.0, cv.family->color);
        if (i + 1 < v->size() && !std::isnan((*v)[i + 1]))
          c.line(frame.x(i), frame.y((*v)[i]), frame.x(i + 1), frame.y((*v)[i + 1]), width, cv.family->color);
      }
  draw_legend(c, families, w - right + 20, top, thick, thin);
  return c.save_png(path);
}

// Skip ratio by branch (x = the branch's index in forward order): per family the spatial mean (thick) and, for the
// token families, the CLS token (thin).
Status draw_skip(const std::vector<Family>& families, const std::string& path) {
  std::vector<Curves> curves;
  for (const Family& f : families) {
    Curves cv{&f, {}, {}};
    for (const SkipBranch& b : f.skip.branches) {
      cv.thick.push_back(b.spatial_mean);
      cv.thin.push_back(b.has_cls ? b.cls : NAN);
    }
    curves.push_back(std::move(cv));
  }
  return draw_curves(families, curves, 1.0, 1.0, "residual branch", "skip ratio", "spatial mean", "cls token", path);
}

// Equivariance error in % by layer depth, per family: shifts of 4 px (thick; defined at every layer of our models)
// and 1 px (thin, where a whole number of cells).
Status draw_equivariance(const std::vector<Family>& families, const std::string& path) {
  std::vector<Curves> curves;
  for (const Family& f : families) {
    Curves cv{&f, {}, {}};
    for (const EquivarianceLayer& l : f.equivariance.layers) {
      cv.thick.push_back(l.defined[kMaxShift - 1] ? 100.0 * l.error[kMaxShift - 1] : NAN);
      cv.thin.push_back(l.defined[0] ? 100.0 * l.error[0] : NAN);
    }
    curves.push_back(std::move(cv));
  }
  return draw_curves(families, curves, 10.0, 20.0, "layer depth", "equivariance error %", "shift 4 px", "shift 1 px",
                     path);
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
                                                     const KernelTable& kernels) {
  const std::pair<const char*, Rgb> names[] = {{"vit", {31, 119, 180}}, {"cnn", {214, 39, 40}}, {"hybrid", {44, 160, 44}}};
  std::vector<Family> families;
  for (const auto& [name, color] : names) {
    const fs::path path = models / (std::string(name) + "_p100.safetensors");
    if (!fs::exists(path)) continue;
    Result<std::unique_ptr<Model>> m = load_model_file(path.string());
    if (!m) return Error{"cannot load '" + path.string() + "': " + m.error().message};
    (*m)->set_kernels(kernels);
    Result<SkipRatios> s = skip_ratios(**m, test_set_input(set, 0, images, (*m)->input_spec()), 50);
    if (!s) return Error{path.string() + ": " + s.error().message};
    Result<Equivariance> e = equivariance_on_test_set(**m, set, 0, images);
    if (!e) return Error{path.string() + ": " + e.error().message};
    families.push_back({name, color, std::move(*m), std::move(*s), std::move(*e)});
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
    fig.files.push_back((out / ("cka_" + key + ".png")).string());
    if (Status st = draw_cka(*r, a->name + "_p100", b->name + "_p100", fig.files.back()); !st) return st.error();
    fig.numbers["cka"][key] = cka_json(*r);
    ckas.emplace_back(key, std::move(*r));
  }
  auto cka_of = [&](const std::string& key) -> const CkaResult* {
    for (const auto& [k, r] : ckas)
      if (k == key) return &r;
    return nullptr;
  };
  fig.files.push_back((out / "skip_ratio.png").string());
  if (Status st = draw_skip(families, fig.files.back()); !st) return st.error();
  fig.files.push_back((out / "equivariance.png").string());
  if (Status st = draw_equivariance(families, fig.files.back()); !st) return st.error();
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
  md << "(layer x layer CKA, rows and columns named), `skip_ratio.png` (x = residual branch in forward order, thick = "
        "mean over the spatial tokens / positions, thin with dots = the CLS token), `equivariance.png` (relative error "
        "of the features of the input shifted right vs the shifted features, by layer; thick = 4 px, thin = 1 px "
        "where a whole number of cells).\n";
  fig.markdown = md.str();
  return fig;
}

}  // namespace vc::cli
