#include "cli/rf_figures.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "analysis/receptive_field.h"
#include "figures/csv.h"
#include "figures/receptive_field_figures.h"

namespace vc::cli {
namespace {

namespace fs = std::filesystem;

// The ERF of every analysis layer's centre unit for one set of weights.
struct Variant {
  std::string label;  // "untrained", "p001", "p100"
  std::vector<Erf> erfs;
};

struct Family {
  std::string name;  // "vit", "cnn", "hybrid"
  std::vector<TheoreticalRf> trf;
  std::vector<Variant> variants;  // untrained, then p001 and p100 when present
  const Variant* find(const std::string& label) const {
    for (const Variant& v : variants)
      if (v.label == label) return &v;
    return nullptr;
  }
};

Result<Variant> measure(const Model& model, const std::string& label, const std::vector<TheoreticalRf>& trf,
                        const LabeledImages& set, int images) {
  Variant v{label, {}};
  for (const TheoreticalRf& rf : trf) {
    Result<Erf> e = mean_effective_rf(model, rf.name, centre_unit(rf), set, 0, images);
    if (!e) return e.error();
    v.erfs.push_back(std::move(*e));
  }
  return v;
}

Result<std::vector<Family>> measure_families(const fs::path& models, const LabeledImages& set, int images,
                                             const KernelTable& kernels) {
  std::vector<Family> out;
  for (const char* name : {"vit", "cnn", "hybrid"}) {
    Family f{name, {}, {}};
    std::unique_ptr<Model> first;
    for (const char* fraction : {"p001", "p100"}) {
      const fs::path path = models / (std::string(name) + "_" + fraction + ".safetensors");
      if (!fs::exists(path)) continue;
      Result<std::unique_ptr<Model>> m = load_model_file(path.string());
      if (!m) return Error{"cannot load '" + path.string() + "': " + m.error().message};
      (*m)->set_kernels(kernels);
      if (!first) {
        Result<std::vector<TheoreticalRf>> trf = theoretical_rfs(**m);
        if (!trf) return trf.error();
        f.trf = std::move(*trf);
        Result<std::unique_ptr<Model>> untrained = untrained_model(**m, kUntrainedSeed);
        if (!untrained) return untrained.error();
        Result<Variant> v = measure(**untrained, "untrained", f.trf, set, images);
        if (!v) return Error{path.string() + " (untrained): " + v.error().message};
        f.variants.push_back(std::move(*v));
      }
      Result<Variant> v = measure(**m, fraction, f.trf, set, images);
      if (!v) return Error{path.string() + ": " + v.error().message};
      f.variants.push_back(std::move(*v));
      if (!first) first = std::move(*m);
    }
    if (first) out.push_back(std::move(f));
  }
  if (out.empty()) return Error{"no p001 or p100 checkpoint of any family in '" + models.string() + "'"};
  return out;
}

// The analysis layers' names of a family, for the figures' ticks.
std::vector<std::string> layer_names(const Family& f) {
  std::vector<std::string> names;
  for (const TheoreticalRf& rf : f.trf) names.push_back(rf.name);
  return names;
}

// rf_growth_figure (figures/receptive_field_figures.h): per family and weights the ERF's 2 r90 by depth, the TRF side
// once per family (with its best-trained weights, p100 else p001), as <stem>.png and <stem>.csv.
Status write_growth(const std::vector<Family>& families, int image_size, int images, const FigureFonts& fonts,
                    Language L, const std::string& stem) {
  std::vector<RfCurves> curves;
  for (const Family& f : families)
    for (const Variant& v : f.variants) {
      const bool untrained = v.label == "untrained";
      RfCurves c{f.name + "_" + (untrained ? "p100" : v.label), untrained, {}, {}, {}, layer_names(f)};
      if (&v == &f.variants.back())
        for (const TheoreticalRf& rf : f.trf) c.trf_px.push_back(rf.size_px);
      for (const Erf& e : v.erfs) c.r90_px.push_back(e.summary.r90_px);
      curves.push_back(std::move(c));
    }
  return write_figure_csv(rf_growth_figure(curves, image_size, images, L), rf_growth_csv(curves, images), fonts,
                          stem);
}

// erf_grid_figure (figures/receptive_field_figures.h): one row per family and weights (best-trained first), one
// column per depth, as <stem>.png and its numbers as <stem>.csv.
Status write_grid(const std::vector<Family>& families, int images, const FigureFonts& fonts, Language L,
                  const std::string& stem) {
  std::vector<ErfRow> rows;
  for (const Family& f : families)
    for (auto it = f.variants.rbegin(); it != f.variants.rend(); ++it) {
      const bool untrained = it->label == "untrained";
      ErfRow r{f.name + "_" + (untrained ? "p100" : it->label), untrained, {}, {}, layer_names(f)};
      for (size_t d = 0; d < it->erfs.size(); ++d) {
        r.erfs.push_back(&it->erfs[d]);
        r.global.push_back(f.trf[d].global);
      }
      rows.push_back(std::move(r));
    }
  const Figure fig = erf_grid_figure(rows, images, L);
  return write_figure_csv(fig, maps_csv(fig), fonts, stem);
}

// r90 of `label` at depth d, or "-".
std::string r90_cell(const Family& f, const std::string& label, size_t d) {
  const Variant* v = f.find(label);
  return v ? fixed(v->erfs[d].summary.r90_px, 1) : "-";
}

const Family* family(const std::vector<Family>& fs, const std::string& name) {
  for (const Family& f : fs)
    if (f.name == name) return &f;
  return nullptr;
}

// The sentences on the seeds' claims, chosen by the numbers (the trained weights: p100).
std::string claims_markdown(const std::vector<Family>& families, int image_size) {
  std::ostringstream md;
  const Family* vit = family(families, "vit");
  const Family* cnn = family(families, "cnn");
  const Variant* vit100 = vit ? vit->find("p100") : nullptr;
  const Variant* cnn100 = cnn ? cnn->find("p100") : nullptr;
  md << "\n### The seeds' claims on our models\n\n";
  // Seed 002 section 4-3: the ViT's ERF is larger and more global from the lower layers on.
  md << "- *ViT ERF larger and more global from the lower layers on* (seed 002, Raghu et al. 2021): ";
  if (vit100 && cnn100 && vit100->erfs.size() > 2 && cnn100->erfs.size() > 2) {
    int larger = 0;
    for (size_t d = 1; d <= 2; ++d) larger += vit100->erfs[d].summary.r90_px > cnn100->erfs[d].summary.r90_px;
    md << "at depths 1 and 2 (the first two transformer blocks vs the first two residual blocks) the p100 ViT's r90 is "
       << fixed(vit100->erfs[1].summary.r90_px, 1) << " and " << fixed(vit100->erfs[2].summary.r90_px, 1)
       << " px, the CNN's " << fixed(cnn100->erfs[1].summary.r90_px, 1) << " and "
       << fixed(cnn100->erfs[2].summary.r90_px, 1) << " px: "
       << (larger == 2   ? "larger at both, as the seed says."
           : larger == 1 ? "larger at one of the two only, so the claim holds only in part here."
                         : "not larger: the claim does not hold on our models.")
       << " The ViT's TRF is the whole image from depth 1 on; the CNN centre unit's TRF covers it from ";
    size_t d = 0;
    while (d < cnn100->erfs.size() && cnn100->erfs[d].field.clipped.area() < int64_t{image_size} * image_size) ++d;
    md << (d < cnn100->erfs.size() ? "depth " + std::to_string(d) + " (" + cnn->trf[d].name + ") on"
                                   : std::string("no depth"))
       << ".\n";
  } else {
    md << "needs vit_p100 and cnn_p100: not measured.\n";
  }
  // Luo et al. 2016: the CNN's ERF fills only part of its TRF, grows with depth and widens with training.
  md << "- *CNN ERF a fraction of its TRF, growing with depth and with training* (seed 002, Luo et al. 2016): ";
  if (cnn100) {
    double lo = 1e9, hi = 0;
    int grows = 0;
    for (size_t d = 0; d < cnn100->erfs.size(); ++d) {
      lo = std::min(lo, cnn100->erfs[d].summary.share90_trf);
      hi = std::max(hi, cnn100->erfs[d].summary.share90_trf);
      if (d > 0) grows += cnn100->erfs[d].summary.r90_px > cnn100->erfs[d - 1].summary.r90_px;
    }
    const size_t last = cnn100->erfs.size() - 1;
    md << "90 % of the p100 CNN's gradient mass lies in " << fixed(100 * lo, 0) << "-" << fixed(100 * hi, 0)
       << " % of its TRF area (clipped to the image) across the layers, "
       << (hi < 1 ? "a fraction at every depth; " : "not a fraction everywhere; ") << "its r90 grows at " << grows
       << " of " << last << " steps in depth, from " << fixed(cnn100->erfs[0].summary.r90_px, 1) << " to "
       << fixed(cnn100->erfs[last].summary.r90_px, 1) << " px (TRF side 3 to " << fixed(cnn->trf[last].size_px, 0)
       << " px). ";
    const double untrained = cnn->find("untrained")->erfs[last].summary.r90_px;
    const double trained = cnn100->erfs[last].summary.r90_px;
    const Variant* low = cnn->find("p001");
    md << "At the last layer r90 is " << fixed(untrained, 1) << " px untrained, "
       << (low ? fixed(low->erfs[last].summary.r90_px, 1) + " px at 1 % of the data, " : std::string())
       << fixed(trained, 1) << " px at 100 %: "
       << (trained > untrained + 0.5   ? "training widens it, as Luo et al. report."
           : trained < untrained - 0.5 ? "training narrows it, against Luo et al.'s observation."
                                       : "training leaves it within 0.5 px, so no widening shows here.")
       << "\n";
  } else {
    md << "needs cnn_p100: not measured.\n";
  }
  return md.str();
}

std::string table_markdown(const std::vector<Family>& families, int images, int image_size) {
  std::ostringstream md;
  md << "\n## Receptive fields\n\n"
     << "For each family's analysis layers: the theoretical receptive field (TRF) side from the layer geometry, and "
        "the effective receptive field (ERF) of the layer's centre unit: |dy/dx| over the "
     << image_size << " x " << image_size
     << " model input (the 28 x 28 image zero-padded by 2 px), y the sum of the unit's channels (a token's "
        "features), averaged over the first "
     << images
     << " test images. r90: radius around the unit centre holding 90 % of the gradient mass, in px. share90: the "
        "fewest pixels holding 90 % of the mass, as a share of the TRF area clipped to the image. outside: mass "
        "outside the TRF box. Untrained: the same config, seeded initialisation (seed "
     << kUntrainedSeed << ").\n\n"
     << "| family | depth | layer | TRF side px | r90 untrained | r90 p001 | r90 p100 | share90 p100 | outside p100 |\n"
     << "|---|---|---|---|---|---|---|---|---|\n";
  for (const Family& f : families) {
    const Variant* p100 = f.find("p100");
    for (size_t d = 0; d < f.trf.size(); ++d) {
      const TheoreticalRf& rf = f.trf[d];
      md << "| " << f.name << " | " << d << " | " << rf.name << " | " << fixed(rf.size_px, 0)
         << (rf.global ? " (global)" : "") << " | " << r90_cell(f, "untrained", d) << " | " << r90_cell(f, "p001", d)
         << " | " << r90_cell(f, "p100", d) << " | " << (p100 ? fixed(p100->erfs[d].summary.share90_trf, 2) : "-")
         << " | " << (p100 ? fixed(p100->erfs[d].summary.mass_outside_trf, 2) : "-") << " |\n";
    }
  }
  md << claims_markdown(families, image_size)
     << "\nFigures: `rf_growth.png` (x = layer (blocks from 1, lined up at block 1), y = px: the TRF side, dots, and the ERF's 90 % diameter 2 r90 of the "
        "p100 (thick), p001 (light) and untrained (dashed) weights; blue vit, red cnn, green hybrid; dashed grey: the "
        "image side), `erf_grid.png` (the mean ERF maps, one row per family and weights, columns lined up at block 1: "
        "blocks from 1, the stem / embedding and a hybrid's conv blocks c1, c2 to the left; colour = sqrt(value / the map's "
        "maximum); white: the clipped TRF box and the unit centre); each with its numbers in a CSV of the same name.\n";
  return md.str();
}

json numbers_json(const std::vector<Family>& families) {
  json out = json::object();
  for (const Family& f : families) {
    json layers = json::array();
    for (size_t d = 0; d < f.trf.size(); ++d) {
      const TheoreticalRf& rf = f.trf[d];
      json erf = json::object();
      for (const Variant& v : f.variants) {
        const ErfSummary& s = v.erfs[d].summary;
        erf[v.label] = {{"r50_px", s.r50_px},
                        {"r90_px", s.r90_px},
                        {"share90_trf", s.share90_trf},
                        {"mass_outside_trf", s.mass_outside_trf}};
      }
      layers.push_back({{"name", rf.name}, {"size_px", rf.size_px}, {"global", rf.global}, {"erf", erf}});
    }
    out[f.name] = layers;
  }
  return out;
}

}  // namespace

Result<RfFigures> receptive_field_figures(const fs::path& models, const fs::path& out, const LabeledImages& set,
                                          int images, const KernelTable& kernels, const FigureFonts& fonts,
                                          Language L) {
  Result<std::vector<Family>> families = measure_families(models, set, images, kernels);
  if (!families) return families.error();
  const int image_size = static_cast<int>(std::lround(std::sqrt(families->front().variants[0].erfs[0].map.numel())));
  RfFigures r;
  r.files = {(out / "rf_growth.png").string(), (out / "rf_growth.csv").string(), (out / "erf_grid.png").string(),
             (out / "erf_grid.csv").string()};
  if (Status s = write_growth(*families, image_size, images, fonts, L, (out / "rf_growth").string()); !s)
    return s.error();
  if (Status s = write_grid(*families, images, fonts, L, (out / "erf_grid").string()); !s) return s.error();
  r.markdown = table_markdown(*families, images, image_size);
  r.numbers = numbers_json(*families);
  return r;
}

}  // namespace vc::cli
