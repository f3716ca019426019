// Hostile weight files (issue 14): each case corrupts a small valid checkpoint (or its metadata) and expects
// load_model to refuse it with a message that names the problem, from a validation step: nothing large is
// allocated first (the absurd sizes below would otherwise throw bad_alloc or run for seconds). The messages are
// those of docs/robustness.md's table: the test checks that the table holds each case's row exactly as printed.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/model.h"

namespace vc {
namespace {

using json = nlohmann::json;
using Bytes = std::vector<uint8_t>;

// The tiny vit of model_test.cpp: 6x6 input of 2 channels, patch 2 (9 tokens), dim 6, 2 blocks, 3 classes.
json tiny_meta() {
  return json::parse(R"({"format_version": 1, "arch": "vit",
    "config": {"image_size": 6, "in_channels": 2, "patch": 2, "dim": 6, "depth": 2, "heads": 2, "mlp_hidden": 5,
               "num_classes": 3},
    "class_names": ["c0", "c1", "c2"], "input": {"size": 6, "pad": 0, "mean": 0.25, "std": 0.5}})");
}

SafeTensors tiny_weights() { return init_weights(tiny_meta().dump(), 1).value(); }

Bytes good_file() { return serialize_safetensors(tiny_weights()); }

// 8-byte little-endian length `len`, then `header`, then `data`.
Bytes assemble(uint64_t len, const std::string& header, const Bytes& data) {
  Bytes out(8 + header.size() + data.size());
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(len >> (8 * i));
  std::memcpy(out.data() + 8, header.data(), header.size());
  if (!data.empty()) std::memcpy(out.data() + 8 + header.size(), data.data(), data.size());
  return out;
}

Bytes assemble(const std::string& header, const Bytes& data) { return assemble(header.size(), header, data); }

// The good file's header as JSON and its data section.
std::pair<json, Bytes> split(const Bytes& file) {
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | file[i];
  const std::string head(file.begin() + 8, file.begin() + 8 + static_cast<std::ptrdiff_t>(n));
  return {json::parse(head), Bytes(file.begin() + 8 + static_cast<std::ptrdiff_t>(n), file.end())};
}

// The good file with its header edited by `edit`.
Bytes edit_header(const std::function<void(json&)>& edit) {
  auto [header, data] = split(good_file());
  edit(header);
  return assemble(header.dump(), data);
}

// The good file with its "vitcnn" metadata text replaced.
Bytes with_meta_text(const std::string& text) {
  SafeTensors st = tiny_weights();
  st.metadata["vitcnn"] = text;
  return serialize_safetensors(st);
}

// The good file with its "vitcnn" metadata edited by `edit` (the tensors stay the tiny vit's).
Bytes edit_meta(const std::function<void(json&)>& edit) {
  json m = tiny_meta();
  edit(m);
  return with_meta_text(m.dump());
}

// A checkpoint of the tiny vit's tensors whose metadata is `arch` with `config` (class names and input follow
// it): the config is judged on its own.
Bytes config_file(const std::string& arch, const json& config) {
  json m = tiny_meta();
  m["arch"] = arch;
  m["config"] = config;
  m["class_names"] = {"c0", "c1", "c2"};
  m["config"]["num_classes"] = 3;
  m["input"]["size"] = config["image_size"];
  return with_meta_text(m.dump());
}

Bytes vit_file(int image, int in_c, int patch, int dim, int depth, int heads, int hidden) {
  return config_file("vit", {{"image_size", image}, {"in_channels", in_c}, {"patch", patch}, {"dim", dim},
                             {"depth", depth}, {"heads", heads}, {"mlp_hidden", hidden}});
}

Bytes cnn_file(int image, int in_c, int stem, const json& widths, const json& strides, const json& blocks) {
  return config_file("cnn", {{"image_size", image}, {"in_channels", in_c}, {"stem_width", stem}, {"widths", widths},
                             {"strides", strides}, {"blocks", blocks}});
}

// The good weights with one tensor changed by `edit`.
Bytes edit_weights(const std::function<void(SafeTensors&)>& edit) {
  SafeTensors st = tiny_weights();
  edit(st);
  return serialize_safetensors(st);
}

struct Case {
  std::string name;         // the docs/robustness.md row's first column
  std::string contents;     // what the file holds (second column)
  std::function<Bytes()> file;
  std::vector<std::string> words;  // the message must contain each
};

// gtest prints a case by its name.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

const float kNan = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

std::vector<Case> cases() {
  return {
      // --- the safetensors container ---
      {"empty", "an empty file", [] { return Bytes{}; }, {"shorter than the 8-byte header length"}},
      {"header_len_2_63", "header length 2^63", [] { return assemble(uint64_t{1} << 63, "{}", {}); },
       {"header length 9223372036854775808", "exceeds the limit"}},
      {"header_len_past_end", "header length 1 byte past the end of the file",
       [] { return assemble(3, "{}", {}); }, {"runs past the end of the file"}},
      {"header_too_big", "header length 2 MiB (over kMaxHeaderBytes)",
       [] { return assemble(uint64_t{2} << 20, "{}", {}); }, {"exceeds the limit of 1048576 bytes"}},
      {"header_not_json", "header text that is not JSON", [] { return assemble("{\"a\": [1, 2", {}); },
       {"header is not valid JSON"}},
      {"header_json_bomb", "header of 100000 nested `[`",
       [] { return assemble(std::string(100000, '['), {}); }, {"header nests arrays/objects deeper than 16"}},
      {"header_duplicate_tensor", "the same tensor name twice in the header",
       [] {
         const std::string e = R"({"dtype":"F32","shape":[1],"data_offsets":[0,4]})";
         return assemble("{\"w\":" + e + ",\"w\":" + e + "}", Bytes(4, 0));
       },
       {"key \"w\" twice"}},
      {"metadata_not_string", "`__metadata__` value that is a number",
       [] { return edit_header([](json& h) { h["__metadata__"]["vitcnn"] = 3; }); },
       {"__metadata__[\"vitcnn\"] is not a string"}},
      {"dtype_bf16", "a tensor of dtype BF16",
       [] { return edit_header([](json& h) { h["tokens.cls_token"]["dtype"] = "BF16"; }); },
       {"'tokens.cls_token'", "unsupported dtype \"BF16\""}},
      {"shape_negative", "a shape with a negative dimension",
       [] { return edit_header([](json& h) { h["tokens.cls_token"]["shape"] = {1, -1, 6}; }); },
       {"negative dimension"}},
      {"shape_overflow", "shape [2^32, 2^32, 2^32] (the product overflows int64)",
       [] {
         return edit_header([](json& h) {
           h["tokens.cls_token"]["shape"] = {uint64_t{1} << 32, uint64_t{1} << 32, uint64_t{1} << 32};
         });
       },
       {"absurdly large"}},
      {"shape_rank_9", "a shape of 9 dimensions",
       [] { return edit_header([](json& h) { h["tokens.cls_token"]["shape"] = json(std::vector<int>(9, 1)); }); },
       {"shape has 9 dimensions"}},
      {"offsets_reversed", "data_offsets [end, begin]",
       [] {
         return edit_header([](json& h) {
           json& o = h["tokens.cls_token"]["data_offsets"];
           o = {o[1], o[0]};
         });
       },
       {"'tokens.cls_token'", "data_offsets begin", "> end"}},
      {"offsets_past_end", "data_offsets past the data section",
       [] { return edit_header([](json& h) { h["tokens.cls_token"]["data_offsets"] = {1u << 30, (1u << 30) + 24}; }); },
       {"is past the data section"}},
      {"offsets_shape_mismatch", "data_offsets spanning fewer bytes than the shape needs",
       [] { return edit_header([](json& h) { h["tokens.cls_token"]["shape"] = {1, 1, 7}; }); },
       {"needs 28 bytes but data_offsets span 24"}},
      {"offsets_overlap", "two tensors whose byte ranges overlap (and leave a hole)",
       [] {
         return edit_header([](json& h) {
           const uint64_t b = h["tokens.cls_token"]["data_offsets"][0];
           h["tokens.norm.bias"]["data_offsets"] = {b, b + 24};
         });
       },
       {"overlap"}},
      {"offsets_hole", "bytes of the data section that no tensor covers",
       [] {
         auto [header, data] = split(good_file());
         for (auto& [name, e] : header.items())
           if (name != "__metadata__")
             e["data_offsets"] = {e["data_offsets"][0].get<uint64_t>() + 4, e["data_offsets"][1].get<uint64_t>() + 4};
         data.insert(data.begin(), 4, 0);
         return assemble(header.dump(), data);
       },
       {"bytes [0, 4) of the data section belong to no tensor"}},
      {"trailing_data", "8 bytes after the last tensor",
       [] {
         Bytes f = good_file();
         f.insert(f.end(), 8, 0);
         return f;
       },
       {"8 bytes after the last tensor"}},
      // --- the "vitcnn" metadata ---
      {"no_vitcnn_metadata", "no `__metadata__[\"vitcnn\"]`",
       [] { return edit_header([](json& h) { h.erase("__metadata__"); }); }, {"no \"vitcnn\" entry"}},
      {"metadata_not_json", "`vitcnn` metadata that is not JSON", [] { return with_meta_text("{\"arch\": "); },
       {"__metadata__[\"vitcnn\"] is not a JSON object: its text is not valid JSON"}},
      {"metadata_json_bomb", "`vitcnn` metadata of 100000 nested `[`",
       [] { return with_meta_text(std::string(100000, '[')); }, {"nests arrays/objects deeper than 16"}},
      {"metadata_duplicate_key", "`vitcnn` metadata naming \"arch\" twice",
       [] {
         std::string m = tiny_meta().dump();
         m.insert(1, "\"arch\": \"cnn\", ");
         return with_meta_text(m);
       },
       {"key \"arch\" twice"}},
      {"unknown_arch", "arch \"transformer\"", [] { return edit_meta([](json& m) { m["arch"] = "transformer"; }); },
       {"unknown arch 'transformer'"}},
      {"depth_1e6", "config.depth 10^6", [] { return edit_meta([](json& m) { m["config"]["depth"] = 1000000; }); },
       {"config.depth = 1000000 is outside [0, 1024]"}},
      {"dim_1e9", "config.dim 10^9", [] { return edit_meta([](json& m) { m["config"]["dim"] = 1000000000; }); },
       {"config.dim = 1000000000 is outside"}},
      {"dim_float", "config.dim 6.5", [] { return edit_meta([](json& m) { m["config"]["dim"] = 6.5; }); },
       {"config.dim is not an integer"}},
      {"patch_0", "config.patch 0", [] { return edit_meta([](json& m) { m["config"]["patch"] = 0; }); },
       {"config.patch = 0 is outside"}},
      {"image_size_negative", "config.image_size -6",
       [] { return edit_meta([](json& m) { m["config"]["image_size"] = -6; }); },
       {"config.image_size = -6 is outside"}},
      {"image_size_not_patch_multiple", "config.image_size 7 with patch 2",
       [] {
         return edit_meta([](json& m) {
           m["config"]["image_size"] = 7;
           m["input"]["size"] = 7;
         });
       },
       {"config.image_size 7 is not a multiple of config.patch 2"}},
      {"heads_not_dividing_dim", "config.heads 4 with dim 6",
       [] { return edit_meta([](json& m) { m["config"]["heads"] = 4; }); },
       {"config.dim 6 is not a multiple of config.heads 4"}},
      {"num_classes_0", "config.num_classes 0",
       [] { return edit_meta([](json& m) { m["config"]["num_classes"] = 0; }); },
       {"config.num_classes = 0 is outside"}},
      {"num_classes_huge", "config.num_classes 10^9",
       [] { return edit_meta([](json& m) { m["config"]["num_classes"] = 1000000000; }); },
       {"config.num_classes = 1000000000 is outside"}},
      {"class_names_count", "100000 class names for 3 classes",
       [] { return edit_meta([](json& m) { m["class_names"] = json(std::vector<std::string>(100000, "x")); }); },
       {"100000 class_names for config.num_classes 3"}},
      {"class_name_huge", "a class name of 100000 bytes",
       [] { return edit_meta([](json& m) { m["class_names"][0] = std::string(100000, 'x'); }); },
       {"a class name has 100000 bytes"}},
      {"class_name_not_string", "a class name that is a number",
       [] { return edit_meta([](json& m) { m["class_names"][0] = 7; }); }, {"class_names holds a non-string"}},
      {"input_std_0", "input.std 0", [] { return edit_meta([](json& m) { m["input"]["std"] = 0; }); },
       {"input.std must be positive"}},
      {"cnn_lists_inconsistent", "a cnn whose widths, strides and blocks differ in length",
       [] { return cnn_file(6, 2, 4, {4, 8}, {1}, {1, 1}); },
       {"widths, strides and blocks have different lengths (2, 1, 2)"}},
      {"cnn_lists_huge", "a cnn with 100 stages",
       [] { return cnn_file(6, 2, 4, std::vector<int>(100, 4), std::vector<int>(100, 1), std::vector<int>(100, 1)); },
       {"config.widths has 100 entries (at most 16)"}},
      {"hybrid_stride_not_dividing", "a hybrid whose strides do not divide the image",
       [] {
         return config_file("hybrid", {{"image_size", 6}, {"in_channels", 2}, {"stem_width", 4}, {"widths", {4}},
                                       {"strides", {4}}, {"blocks", {1}}, {"dim", 6}, {"depth", 1}, {"heads", 2},
                                       {"mlp_hidden", 5}});
       },
       {"hybrid feature side 6 is not divisible by stride 4"}},
      {"tokens_huge", "a vit of 4096 x 4096 pixels with patch 4 (a million tokens)",
       [] { return vit_file(4096, 1, 4, 8, 1, 2, 8); },
       {"1048576 patch tokens", "at most 1024"}},
      // --- the model budget (each field in range, the sum too large) ---
      {"budget_params", "a vit of dim 4096 and depth 64 (6.4 G parameters)",
       [] { return vit_file(6, 2, 2, 4096, 64, 2, 4096); },
       {"parameters (at most 67108864)"}},
      {"budget_activation", "a cnn of 65536 stem channels on 32 x 32 pixels",
       [] { return cnn_file(32, 1, 65536, {8}, {1}, {1}); },
       {"layer 'stem' needs an activation of 67108864 floats"}},
      {"budget_attention", "a vit of 1024 tokens and 64 heads (67 M attention scores)",
       [] { return vit_file(128, 1, 4, 64, 1, 64, 64); },
       {"layer 'blocks.0' needs an activation of 67240000 floats"}},
      {"budget_macs", "a cnn of 64 channels on 512 x 512 pixels, 3 blocks (58 G MACs)",
       [] { return cnn_file(512, 1, 64, {64}, {1}, {3}); },
       {"more than 20000000000 multiply-adds per image"}},
      // --- the tensors against the config ---
      {"tensor_missing", "no tensor tokens.head.bias",
       [] { return edit_weights([](SafeTensors& st) { st.tensors.erase("tokens.head.bias"); }); },
       {"weight file has no tensor 'tokens.head.bias'"}},
      {"tensor_unexpected", "an extra tensor \"extra\"",
       [] { return edit_weights([](SafeTensors& st) { st.tensors["extra"] = Tensor({2}); }); },
       {"unexpected tensor 'extra'"}},
      {"tensor_wrong_shape", "tokens.head.weight transposed to [6, 3]",
       [] { return edit_weights([](SafeTensors& st) { st.tensors["tokens.head.weight"].shape = {6, 3}; }); },
       {"tensor 'tokens.head.weight' has shape [6, 3], the config needs [3, 6]"}},
      {"tensor_shape_for_wide_config", "a config of dim 2000 over the tiny vit's tensors (dim 6)",
       [] { return edit_meta([](json& m) { m["config"]["dim"] = 2000; }); },
       {"tensor 'patch_embed.weight' has shape [6, 2, 2, 2], the config needs [2000, 2, 2, 2]"}},
      {"weight_nan", "a NaN weight",
       [] { return edit_weights([](SafeTensors& st) { st.tensors["tokens.head.weight"].data[4] = kNan; }); },
       {"tensor 'tokens.head.weight' holds NaN at element 4"}},
      {"weight_inf", "an infinite weight",
       [] { return edit_weights([](SafeTensors& st) { st.tensors["tokens.pos_embed"].data[0] = -kInf; }); },
       {"tensor 'tokens.pos_embed' holds an infinity at element 0"}},
  };
}

// The docs/robustness.md row of a case and its message.
std::string doc_row(const Case& c, const std::string& message) {
  return "| `" + c.name + "` | " + c.contents + " | `" + message + "` |";
}

std::string read_doc() {
  std::ifstream f(VITCNN_SOURCE_DIR "/docs/robustness.md");
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

class Hostile : public testing::TestWithParam<Case> {};

TEST_P(Hostile, RefusedWithItsMessage) {
  const Case& c = GetParam();
  const Bytes file = c.file();
  Result<std::unique_ptr<Model>> m = load_model(file);
  ASSERT_FALSE(m.ok()) << c.name << " loaded";
  const std::string& msg = m.error().message;
  for (const std::string& w : c.words) EXPECT_NE(std::string::npos, msg.find(w)) << "missing '" << w << "' in: " << msg;
  // The same through the page's entry point: the file name first.
  Result<std::unique_ptr<Model>> named = load_model_named(file, "dropped.safetensors");
  ASSERT_FALSE(named.ok());
  EXPECT_EQ("dropped.safetensors: " + msg, named.error().message);
  const std::string row = doc_row(c, msg);
  EXPECT_NE(std::string::npos, read_doc().find(row + "\n")) << "docs/robustness.md lacks the row (or it is stale):\n"
                                                            << row;
}

INSTANTIATE_TEST_SUITE_P(Cases, Hostile, testing::ValuesIn(cases()),
                         [](const testing::TestParamInfo<Case>& i) { return i.param.name; });

TEST(Hostile, TheGoodFileLoads) {
  Result<std::unique_ptr<Model>> m = load_model_named(good_file(), "good.safetensors");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(3, (*m)->num_classes());
}

TEST(Hostile, EveryShippedCheckpointLoads) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(VITCNN_SOURCE_DIR "/assets/models")) {
    if (e.path().extension() != ".safetensors") continue;
    Result<std::unique_ptr<Model>> m = load_model_file(e.path().string());
    EXPECT_TRUE(m.ok()) << e.path() << ": " << m.error().message;
    ++n;
  }
  EXPECT_GE(n, 20);
}

TEST(Hostile, FileErrorsNameThePath) {
  const std::string path = testing::TempDir() + "vitcnn_hostile_nan.safetensors";
  SafeTensors st = tiny_weights();
  st.tensors["tokens.head.bias"].data[0] = kNan;
  ASSERT_TRUE(write_safetensors(path, st).ok());
  Result<std::unique_ptr<Model>> m = load_model_file(path);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(path + ": tensor 'tokens.head.bias' holds NaN at element 0", m.error().message);
  std::remove(path.c_str());
  m = load_model_file(path);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(std::string::npos, m.error().message.find(path)) << m.error().message;
}

}  // namespace
}  // namespace vc
