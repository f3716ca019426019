#include "ui/representations_view.h"

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>

#include "analysis/predictions.h"
#include "analysis/representation_summary.h"
#include "analysis/representations_json.h"
#include "ui/model_store.h"

namespace vc {

namespace {

std::string cka_key(const std::string& a, const std::string& b, int images) {
  return job_key("repr.cka", a, b, images);
}
std::string skip_key(const std::string& name, int images) { return job_key("repr.skip", name, images); }
std::string eq_key(const std::string& name, int images) { return job_key("repr.eq", name, images); }

// "vit_p001" -> family 0, scale 0; false for another name.
bool parse_checkpoint(const std::string& s, int* family, int* scale) {
  const size_t cut = s.rfind('_');
  if (cut == std::string::npos) return false;
  const int f = family_index(s.substr(0, cut)), d = data_scale_index(s.substr(cut + 1));
  if (f < 0 || d < 0) return false;
  *family = f;
  *scale = d;
  return true;
}

template <size_t N>
bool offered(const int (&choices)[N], int n) {
  return std::find(std::begin(choices), std::end(choices), n) != std::end(choices);
}

// A job's state in the query: "computing", "ready", "error" (with its message) or "not_started".
template <class T>
nlohmann::json job_state(const JobView<T>& j) {
  nlohmann::json out = {{"status", j.ready()     ? "ready"
                                   : j.failed()  ? "error"
                                   : j.running() ? "computing"
                                                 : "not_started"}};
  if (j.failed()) out["error"] = j.error;
  return out;
}

// The time a job spent in its steps (0 when there is none).
double busy_ms(const AppState& app, const std::string& key) {
  const Job* job = job_find(app, key);
  return job ? job->busy_ms : 0.0;
}

// The summaries the view's answers quote: mean CKA of all pairs and of adjacent layers (a model with itself only),
// and the lower halves' best match.
nlohmann::json cka_summary_json(const CkaResult& r) {
  const Result<double> pairs = mean_pairwise_cka(r), adjacent = mean_adjacent_cka(r);
  return {{"mean_pairwise", pairs ? nlohmann::json(*pairs) : nlohmann::json()},
          {"mean_adjacent", adjacent ? nlohmann::json(*adjacent) : nlohmann::json()},
          {"lower_half_best_match", lower_half_best_match(r)}};
}

nlohmann::json skip_trend_json(const SkipTrend& t) {
  constexpr const char* kTransitions[] = {"as_seed", "spatial_rises_only", "cls_falls_only", "reverse"};
  nlohmann::json out = {{"has_cls", t.has_cls},
                        {"cls_early", t.cls_early},
                        {"cls_late", t.cls_late},
                        {"spatial_early", t.spatial_early},
                        {"spatial_late", t.spatial_late}};
  if (t.has_cls) out["transition"] = kTransitions[static_cast<int>(skip_transition(t))];
  return out;
}

// The equivariance numbers at shift k (1..kMaxShift): the mean error over the layers with a value (null without any)
// and the share of images whose top-1 changed.
nlohmann::json shift_json(const Equivariance& e, int k) {
  const Result<double> err = mean_equivariance_error(e, k);
  return {{"k", k},
          {"mean_error", err ? nlohmann::json(*err) : nlohmann::json()},
          {"top1_changed", e.top1_changed[k - 1]}};
}

}  // namespace

std::string repr_a_checkpoint(const AppState& app) {
  return family_checkpoint(app, app.representations.a_family, app.representations.a_scale);
}
std::string repr_b_checkpoint(const AppState& app) {
  return family_checkpoint(app, app.representations.b_family, app.representations.b_scale);
}
std::string repr_skip_checkpoint(const AppState& app) {
  return family_checkpoint(app, app.representations.skip_family, app.representations.skip_scale);
}
std::string repr_eq_checkpoint(int family) { return checkpoint_name(family, kDefaultScale); }

const Result<CkaResult>& repr_cka_result(const ReprCka& r) { return r.estimate; }

ReprCka repr_cka_snapshot(const CkaAccumulator& acc, int total) {
  ReprCka r{static_cast<int>(acc.received()), static_cast<int>(acc.images()), total};
  if (Result<std::vector<double>> m = acc.matrix(); m)
    r.estimate = CkaResult{acc.rows(), acc.cols(), std::move(*m), acc.images(), acc.batch()};
  else
    r.estimate = m.error();
  return r;
}

namespace {

constexpr int kCkaThreadChunk = 50;  // images per CKA step on the job thread (ui/jobs.h job_step_size)

}  // namespace

const Job& request_repr_cka(AppState& app, const Model* a, const Model* b, const std::string& a_name,
                            const std::string& b_name, int images) {
  const LabeledImages* set = &app.gallery.test_set;
  const int total = std::min(images, set->count) / kCkaBatch * kCkaBatch;
  // The accumulator, made by the first step, lives with the step (a copy of its state is the result).
  auto held = std::make_shared<std::unique_ptr<CkaAccumulator>>();
  const int chunk = job_step_size(app, kCkaChunk, kCkaThreadChunk);
  return job_request(app, "repr.cka", cka_key(a_name, b_name, images), [a, b, set, total, held, chunk](Job& job) {
    if (!*held) {
      Result<CkaAccumulator> acc = CkaAccumulator::create(*a, *b);
      if (!acc || total < kCkaBatch) {
        job.error = acc ? "fewer test images than one minibatch of " + std::to_string(kCkaBatch) : acc.error().message;
        return true;
      }
      *held = std::make_unique<CkaAccumulator>(std::move(*acc));
    }
    // `chunk` images per step, in order (the sums do not depend on the chunking: the same as cka_on_test_set's).
    CkaAccumulator& acc = **held;
    const int first = static_cast<int>(acc.received());
    if (Status s = acc.add(*set, first, std::min(chunk, total - first)); !s) {
      job.error = s.error().message;
      return true;
    }
    job.result = repr_cka_snapshot(acc, total);
    job.progress = static_cast<float>(acc.received()) / static_cast<float>(total);
    return static_cast<int>(acc.images()) >= total;
  });
}

const Job& request_repr_skip(AppState& app, const Model* model, const std::string& name, int images) {
  const LabeledImages* set = &app.gallery.test_set;
  const int total = std::min(images, set->count);
  Result<SkipAccumulator> made = SkipAccumulator::create(*model);
  auto acc = made ? std::make_shared<SkipAccumulator>(std::move(*made)) : nullptr;
  return job_request(app, "repr.skip", skip_key(name, images),
                     [acc, error = made ? std::string() : made.error().message, model, set, total](Job& job) {
                       // kSkipChunk images per step; the result is set once all are in.
                       if (!acc) {
                         job.error = error;
                         return true;
                       }
                       const int first = static_cast<int>(acc->images());
                       const int count = std::min(kSkipChunk, total - first);
                       if (Status s = acc->add(test_set_input(*set, first, count, model->input_spec())); !s) {
                         job.error = s.error().message;
                         return true;
                       }
                       job.progress = static_cast<float>(acc->images()) / static_cast<float>(total);
                       if (acc->images() < total) return false;
                       Result<SkipRatios> r = acc->result();
                       if (r)
                         job.result = std::move(*r);
                       else
                         job.error = r.error().message;
                       return true;
                     });
}

const Job& request_repr_equivariance(AppState& app, int family, const Model* model, int images) {
  const LabeledImages* set = &app.gallery.test_set;
  const int total = std::min(images, set->count);
  return job_request(app, std::string("repr.eq.") + kFamilies[family], eq_key(repr_eq_checkpoint(family), images),
                     [acc = std::make_shared<EquivarianceAccumulator>(*model), set, total](Job& job) {
                       // kEquivarianceChunk images per step; the result is set once all are in.
                       const int first = static_cast<int>(acc->images());
                       if (Status s = acc->add(*set, first, std::min(kEquivarianceChunk, total - first)); !s) {
                         job.error = s.error().message;
                         return true;
                       }
                       job.progress = static_cast<float>(acc->images()) / static_cast<float>(total);
                       if (acc->images() < total) return false;
                       Result<Equivariance> r = acc->result();
                       if (r)
                         job.result = std::move(*r);
                       else
                         job.error = r.error().message;
                       return true;
                     });
}

JobView<ReprCka> repr_cka_job(const AppState& app, const std::string& a_name, const std::string& b_name, int images) {
  return job_view<ReprCka>(job_find(app, cka_key(a_name, b_name, images)));
}
JobView<SkipRatios> repr_skip_job(const AppState& app, const std::string& name, int images) {
  return job_view<SkipRatios>(job_find(app, skip_key(name, images)));
}
JobView<Equivariance> repr_equivariance_job(const AppState& app, int family, int images) {
  return job_view<Equivariance>(job_find(app, eq_key(repr_eq_checkpoint(family), images)));
}

std::string representations_view_state(const AppState& app) {
  const RepresentationsViewState& v = app.representations;
  const RepresentationsViewState d;
  std::string out;
  // The user's own checkpoints are local to this page: links name shipped ones only.
  if ((v.a_family != d.a_family || v.a_scale != d.a_scale) && is_shipped_slot(v.a_scale))
    out += "&repr.a=" + repr_a_checkpoint(app);
  if ((v.b_family != d.b_family || v.b_scale != d.b_scale) && is_shipped_slot(v.b_scale))
    out += "&repr.b=" + repr_b_checkpoint(app);
  if (v.cka_images != d.cka_images) out += "&repr.n=" + std::to_string(v.cka_images);
  if ((v.skip_family != d.skip_family || v.skip_scale != d.skip_scale) && is_shipped_slot(v.skip_scale))
    out += "&repr.skip_model=" + repr_skip_checkpoint(app);
  if (v.skip_images != d.skip_images) out += "&repr.skip_n=" + std::to_string(v.skip_images);
  if (v.shift != d.shift) out += "&repr.k=" + std::to_string(v.shift);
  if (v.eq_images != d.eq_images) out += "&repr.eq_n=" + std::to_string(v.eq_images);
  if (v.cka_requested) out += "&repr.cka=1";
  if (v.skip_requested) out += "&repr.skip=1";
  if (v.eq_requested) out += "&repr.eq=1";
  return out;
}

bool apply_representations_view_key(AppState& app, const std::string& key, const std::string& value) {
  RepresentationsViewState& v = app.representations;
  const int n = parse_count(value);
  if (key == "repr.a") {
    parse_checkpoint(value, &v.a_family, &v.a_scale);
  } else if (key == "repr.b") {
    parse_checkpoint(value, &v.b_family, &v.b_scale);
  } else if (key == "repr.skip_model") {
    parse_checkpoint(value, &v.skip_family, &v.skip_scale);
  } else if (key == "repr.n") {
    if (offered(kReprCkaImages, n)) v.cka_images = n;
  } else if (key == "repr.skip_n") {
    if (offered(kReprSkipImages, n)) v.skip_images = n;
  } else if (key == "repr.eq_n") {
    if (offered(kReprEqImages, n)) v.eq_images = n;
  } else if (key == "repr.k") {
    if (n >= 1 && n <= kMaxShift) v.shift = n;
  } else if (key == "repr.cka" || key == "repr.skip" || key == "repr.eq") {
    bool& requested = key == "repr.cka" ? v.cka_requested : key == "repr.skip" ? v.skip_requested : v.eq_requested;
    if (value == "0" || value == "1") requested = value == "1";
  } else {
    return false;
  }
  return true;
}

nlohmann::json representations_query(const AppState& app) {
  const RepresentationsViewState& v = app.representations;
  const std::string a = repr_a_checkpoint(app), b = repr_b_checkpoint(app), skip = repr_skip_checkpoint(app);

  nlohmann::json cka = {{"a", a}, {"b", b}, {"images_requested", v.cka_images}, {"requested", v.cka_requested}};
  const JobView<ReprCka> cj = repr_cka_job(app, a, b, v.cka_images);
  cka.update(job_state(cj));
  cka["compute_ms"] = busy_ms(app, cka_key(a, b, v.cka_images));
  if (cj.value) {
    cka["done"] = cj.value->images;
    cka["received"] = cj.value->received;
    cka["total"] = cj.value->total;
    if (const Result<CkaResult>& r = repr_cka_result(*cj.value); r) {
      cka.update(cka_json(*r));
      cka["summary"] = cka_summary_json(*r);
    }
  }

  nlohmann::json skip_out = {{"model", skip}, {"images_requested", v.skip_images}, {"requested", v.skip_requested}};
  const JobView<SkipRatios> sj = repr_skip_job(app, skip, v.skip_images);
  skip_out.update(job_state(sj));
  skip_out["compute_ms"] = busy_ms(app, skip_key(skip, v.skip_images));
  if (sj.ready()) {
    skip_out.update(skip_ratios_json(*sj.value));
    skip_out["trend"] = skip_trend_json(skip_trend(*sj.value));
  }

  nlohmann::json families = nlohmann::json::array();
  for (int f = 0; f < kFamilyCount; ++f) {
    nlohmann::json fam = {{"model", repr_eq_checkpoint(f)}};
    const JobView<Equivariance> ej = repr_equivariance_job(app, f, v.eq_images);
    fam.update(job_state(ej));
    fam["compute_ms"] = busy_ms(app, eq_key(repr_eq_checkpoint(f), v.eq_images));
    if (ej.ready()) {
      fam.update(equivariance_json(*ej.value));
      fam["at_shift"] = shift_json(*ej.value, v.shift);
    }
    families.push_back(fam);
  }
  return {{"cka", cka},
          {"skip", skip_out},
          {"equivariance",
           {{"shift", v.shift}, {"images_requested", v.eq_images}, {"requested", v.eq_requested},
            {"families", families}}}};
}

}  // namespace vc
