// The Compare view. Its drawing is panel_compare.cpp; compare_view.cpp holds its data: table (b) measured in the page
// as time-sliced jobs (one per piece of analysis/compare.h: per family and measurement) and assembled with
// compare_table, as `vitcnn compare` does; the data-scale curves (recorded, and re-measured in the page on request);
// the view's settings in links, and its lab_query("compare") answer.
#pragma once
#include <array>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>

#include "analysis/compare.h"
#include "ui/app_state.h"
#include "ui/jobs.h"
#include "ui/view.h"

namespace vc {

// Three tables, (a) concepts with links to the views that show them, (b) measured here, (c) cited from the
// literature, and the data-scale plot next to (c).
void panel_compare(AppState& app);

// Table (b) as far as it is measured: starts the loading of every checkpoint and, while app.compare.measure and once
// the gallery and a piece's models are there, the piece's job. The p100 facts, the recorded accuracies and every finished piece are in it.
struct CompareProgress {
  CompareMeasures measures;
  int pieces = 0, finished = 0;  // pieces of compare_pieces(); finished ones are in `measures`
  float progress = 0.0f;         // [0, 1] over all pieces
  double busy_ms = 0.0;          // time the finished pieces' jobs spent computing
  std::vector<std::string> errors;  // "<piece>: <message>" of failed pieces
};
CompareProgress compare_measure(AppState& app);
// The same without starting anything (lab_query).
CompareProgress compare_progress(const AppState& app);

// The data-scale points re-measured in the page on the first app.compare.accuracy_images test images (0: none asked);
// compare_remeasure runs the next checkpoint of each family while asked.
std::array<DataScaleCurve, kFamilyCount> compare_remeasured(const AppState& app);
void compare_remeasure(AppState& app);
void compare_cancel_remeasure(AppState& app);

// The view's settings in a link: "&cmp.measure=1" while table (b) is measured, "&cmp.acc=N" while the data-scale
// points are re-measured on N test images.
std::string compare_view_state(const AppState& app);
bool apply_compare_view_key(AppState& app, const std::string& key, const std::string& value);

// lab_query("compare"): {table (compare_json: the keys of `vitcnn compare`'s "table"), data_scale (data_scale_json of
// the recorded accuracies, as the CLI's), remeasured (the same of the page's points, with images), pieces, finished,
// progress, measure, errors, cited}.
nlohmann::json compare_query(const AppState& app);

inline constexpr ViewQuery kCompareQueries[] = {{"compare", compare_query}};
inline constexpr const char* kCompareAnchors[] = {"compare.measured", "compare.concepts", "compare.cited",
                                                  "compare.data_scale"};
std::span<const TextPair> compare_texts();

}  // namespace vc
