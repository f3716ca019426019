// The start card and the guided tour. On a first visit (Platform::setting_get("start_card_seen") is empty) a card
// under the menu bar says in one sentence what the lab shows and offers "Start the tour" and "Explore"; either
// remembers the visit (Platform::setting_set), Help -> Tour shows the card again. The tour is data: a table of steps
// (tour.cpp) that follows the course's story, image -> patches and tokens -> predictions -> CLS attention -> attention
// distance and locality -> receptive fields -> representations -> data scale -> hybrids. A step opens a view state
// (lab_apply_view_state's format), outlines one widget by its rect name (lab_query("rects")), asks a question, and
// reveals an answer that quotes live numbers: values of the views' own lab_query answers (computed by src/analysis
// through the views' jobs), addressed by JSON pointers. The step shown is UiState::tour_step (-1: none).
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>

#include "ui/app_state.h"
#include "ui/text.h"

namespace vc {

// The setting that remembers a visit ("1" once the card was answered).
inline constexpr const char* kStartCardSeenKey = "start_card_seen";

// One live number of a step's answer: the value at `pointer` in the answer of the view query `query`, times `scale`,
// printed with `format`; format nullptr: the value is a class index, printed as the class's name.
// Some values never come for some checkpoints (an own checkpoint that records no label smoothing): `settled` points
// at a boolean of the same answer that is true once the value's source is final; the value still missing then, the
// answer says it is not available, and why (`absent`).
struct TourNumber {
  const char* query = nullptr;    // a query a view answers (ViewSpec::queries, or "state")
  const char* pointer = nullptr;  // JSON pointer into that answer: "/distance_px/0/0"
  double scale = 1.0;
  const char* format = "%.1f";
  const char* settled = nullptr;  // JSON pointer: "/models/0/ready"; nullptr: a missing value is always awaited
  TextPair absent = {nullptr, nullptr};
};

inline constexpr int kMaxTourNumbers = 5;

struct TourStep {
  const char* view;    // the view state the step opens: "tab=attention&attn.cell=0.0"
  const char* anchor;  // the rect name it outlines, one of the view's recorded rects
  TextPair text;       // what the step shows, in a sentence or two
  TextPair question;
  TextPair reveal;     // the answer: one %s per number, in order
  TourNumber numbers[kMaxTourNumbers];  // the first with query nullptr ends the list
  // The answer is about the input: `reveal` holds for an unedited test image; a drawing, a changed test image, an
  // opened file or a blank canvas get an answer that says what they are instead (tour.cpp, input_answer).
  bool about_input = false;
};

// Every step, in the order of the story. Only views that exist have steps.
std::span<const TourStep> tour_steps();
// Every string of the tour and the start card, for the placeholder test (tests/ui/text_test.cpp).
std::span<const TextPair> tour_texts();
// The numbers a step quotes (its entries up to the first without a query).
std::span<const TourNumber> tour_numbers(const TourStep& step);

// Shows the start card when the platform's settings do not remember an earlier visit (lab_create).
void tour_init(AppState& app);
// The start card again (Help -> Tour).
void tour_show_card(AppState& app);
// Opens step `step` (clamped to the table): applies its view state, hides the answer and the card.
void tour_go(AppState& app, int step);
// Ends the tour (tour_step = -1).
void tour_end(AppState& app);
// The Help menu's entry that shows the start card.
const char* tour_menu_label(Language lang);

// The answer of `step` with its numbers filled in, or nullopt while one of them is awaited (a job still running, a
// model loading); a number that will never come for the current checkpoint gives an answer that says so, and why.
std::optional<std::string> tour_reveal_text(const AppState& app, int step);

// Under the menu bar: the start card, or the tour's current step with its question, answer and Back / Next.
// Rects: tour.card, tour.start, tour.explore, tour.panel, tour.back, tour.next, tour.reveal, tour.end.
void panel_tour(AppState& app);
// At the end of the view's window (its scrolling region), after a step opened: scrolls the step's widget into sight
// when it was drawn outside the window, until it is in sight once.
void tour_scroll_to_anchor(AppState& app);
// After the views are drawn: outlines the current step's anchor over everything.
void tour_highlight(AppState& app);

// lab_query("tour"): {card, step (-1: none), steps, reveal_open, and for a step: view, anchor, tab, question,
// answer (null while its numbers are missing), anchor_drawn}.
nlohmann::json tour_query(const AppState& app);

}  // namespace vc
