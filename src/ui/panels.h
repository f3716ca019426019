// One function per panel, as in imgui_demo.cpp. lab.cpp lays them out; each view's body is its own panel
// (panel_<view>.cpp), so the views grow independently.
#pragma once
#include <nlohmann/json.hpp>

#include "ui/app_state.h"

namespace vc {

// Chrome
void panel_menu_bar(AppState& app);
void panel_message(AppState& app);

// Input tools
void panel_input(AppState& app);        // the Input tab: canvas, brush, shifts, file loading, gallery
void panel_input_strip(AppState& app);  // compact current image + gallery beside every other view
void panel_gallery(AppState& app);      // thumbnails grouped by class

// Views (tabs 2..6)
void panel_predictions(AppState& app);
// lab_query("predictions"): per shown model {name, ready, probs[10], top[3], ms, median_ms, input_version}.
nlohmann::json predictions_query(const AppState& app);
// lab_query("accuracy"): per shown model {name, correct, n (images done), total, done, error}.
nlohmann::json accuracy_query(const AppState& app);
void panel_attention(AppState& app);
void panel_receptive_field(AppState& app);
void panel_representations(AppState& app);
void panel_compare(AppState& app);

// The body of a view that is not built yet: what it will show, with the formula behind it.
void panel_pending_view(AppState& app, TextId will_show, TextId help);

}  // namespace vc
