// vitcnn subcommands, run in-process on the random-weight models of tools/analysis_ref/make_test_models.py
// (written to VITCNN_TEST_MODELS by the cli_test_models ctest fixture, with the reference's expected outputs).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "analysis/predictions.h"
#include "cli/cli.h"
#include "cli/compare_command.h"
#include "cli/npy.h"
#include "core/image.h"
#include "core/safetensors.h"
#include "figures/attention_figures.h"
#include "figures/csv.h"
#include "figures/representation_figures.h"
#include "kernels/kernels.h"
#include "kernels/parallel.h"

namespace vc::cli {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int code;
  std::string out, err;
  json j;
};

CliRun vitcnn(const std::vector<std::string>& argv) {
  std::ostringstream out, err;
  CliRun r{run_cli(argv, out, err), out.str(), err.str(), json()};
  if (r.code == 0) r.j = json::parse(r.out, nullptr, false);
  return r;
}

std::string model(const std::string& arch) { return VITCNN_TEST_MODELS "/" + arch + "_tiny.safetensors"; }

json expected() {
  std::ifstream f(VITCNN_TEST_MODELS "/expected.json");
  std::stringstream ss;
  ss << f.rdbuf();
  return json::parse(ss.str(), nullptr, false);
}

// A file's text ("" when it cannot be read).
std::string read_text(const fs::path& path) {
  std::stringstream s;
  s << std::ifstream(path).rdbuf();
  return s.str();
}

// The lab's fonts of the slide figures, as `vitcnn figures` reads them by default.
FigureFontFiles lab_fonts() {
  return {*read_file(VITCNN_FONTS_DIR "/dejavu/DejaVuSans.ttf"), *read_file(VITCNN_FONTS_DIR "/nanum/NanumGothic.ttf")};
}

// A fresh empty folder under the system temp dir.
fs::path scratch(const std::string& name) {
  const fs::path p = fs::temp_directory_path() / ("vitcnn_cli_test_" + name);
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

// Each command line fails (non-zero exit, nothing on stdout) with a message that contains its text.
void expect_errors(const std::vector<std::pair<std::vector<std::string>, std::string>>& cases) {
  for (const auto& [argv, message] : cases) {
    CliRun r = vitcnn(argv);
    EXPECT_NE(r.code, 0) << argv.back();
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(model("vit"))) << "run through ctest (the cli_test_models fixture writes "
                                          << VITCNN_TEST_MODELS << ")";
  }
};

TEST(CliArgs, UsageAndUnknownCommand) {
  CliRun none = vitcnn({});
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("usage: vitcnn"), std::string::npos);
  CliRun bad = vitcnn({"frobnicate"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("unknown command 'frobnicate'"), std::string::npos);
  CliRun help = vitcnn({"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("attention"), std::string::npos);
}

TEST(CliArgs, HelpForEverySubcommand) {
  for (const char* c : {"info", "predict", "eval", "trace", "attention", "figures", "rf", "cka", "skip", "equivariance"}) {
    CliRun r = vitcnn({c, "--help"});
    EXPECT_EQ(r.code, 0) << c;
    EXPECT_NE(r.out.find(std::string("usage: vitcnn ") + c), std::string::npos) << c;
    EXPECT_NE(r.out.find("--"), std::string::npos) << c;
  }
}

TEST(CliArgs, BadFlagsAreUsageErrors) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"predict", "--bogus", "1"}, "unknown flag '--bogus'"},
      {{"info", "--model"}, "'--model' needs a value"},
      {{"info", "--model", "a", "--model", "b"}, "given twice"},
      {{"eval", "stray"}, "unexpected argument 'stray'"},
      {{"eval", "-x"}, "unexpected argument '-x'"},
  };
  for (const auto& [argv, message] : cases) {
    CliRun r = vitcnn(argv);
    EXPECT_EQ(r.code, 2) << argv[1];
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--help"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

TEST_F(Cli, MissingAndTruncatedFilesAreErrors) {
  CliRun missing = vitcnn({"info", "--model", "/nonexistent/vit.safetensors"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("/nonexistent/vit.safetensors"), std::string::npos) << missing.err;

  const fs::path dir = scratch("truncated");
  std::ifstream in(model("vit"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (size_t keep : {size_t{0}, size_t{5}, size_t{100}, bytes.size() / 2, bytes.size() - 1}) {
    const std::string path = (dir / ("cut" + std::to_string(keep) + ".safetensors")).string();
    std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(keep));
    CliRun r = vitcnn({"predict", "--model", path, "--test-index", "0"});
    EXPECT_EQ(r.code, 1) << keep;
    EXPECT_NE(r.err.find("cannot load model"), std::string::npos) << r.err;
  }

  const std::string not_image = (dir / "not_an_image.png").string();
  std::ofstream(not_image) << "hello";
  CliRun img = vitcnn({"predict", "--model", model("vit"), "--image", not_image});
  EXPECT_EQ(img.code, 1);
  EXPECT_NE(img.err.find("cannot decode"), std::string::npos) << img.err;
  CliRun no_img = vitcnn({"predict", "--model", model("vit"), "--image", (dir / "absent.png").string()});
  EXPECT_EQ(no_img.code, 1);
  CliRun no_data = vitcnn({"eval", "--model", model("vit"), "--data", dir.string()});
  EXPECT_EQ(no_data.code, 1);
  EXPECT_NE(no_data.err.find("Fashion-MNIST"), std::string::npos) << no_data.err;
}

TEST_F(Cli, BadValuesAreErrors) {
  for (const std::vector<std::string>& argv : std::vector<std::vector<std::string>>{
           {"predict", "--model", model("vit"), "--test-index", "10000"},
           {"predict", "--model", model("vit"), "--test-index", "-1"},
           {"predict", "--model", model("vit"), "--test-index", "3x"},
           {"predict", "--model", model("vit")},
           {"predict", "--model", model("vit"), "--test-index", "1", "--image", "a.png"},
           {"predict", "--model", model("vit"), "--test-index", "1", "--backend", "gpu"},
           {"attention", "--model", model("vit"), "--test-index", "1", "--layer", "3", "--head", "1"},
           {"attention", "--model", model("vit"), "--test-index", "1", "--layer", "1", "--head", "0"},
           {"attention", "--model", model("vit"), "--test-index", "1", "--layer", "1"},
           {"eval", "--model", model("vit"), "--limit", "0"},
       }) {
    CliRun r = vitcnn(argv);
    EXPECT_EQ(r.code, 1) << argv[3] << " " << argv.back();
    EXPECT_FALSE(r.err.empty());
  }
}

TEST_F(Cli, InfoCountsEveryWeight) {
  for (const char* arch : {"vit", "cnn", "hybrid", "rvit"}) {
    CliRun r = vitcnn({"info", "--model", model(arch)});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.j["arch"], arch);
    Result<SafeTensors> st = read_safetensors(model(arch));
    ASSERT_TRUE(st.ok());
    int64_t weights = 0;
    for (const auto& [name, t] : st->tensors) weights += t.numel();
    EXPECT_EQ(r.j["params"].get<int64_t>(), weights) << arch;
    int64_t layer_params = 0, layer_macs = 0;
    for (const json& l : r.j["layers"]) {
      EXPECT_TRUE(l.contains("name") && l.contains("type") && l["out_shape"].is_array());
      layer_params += l["params"].get<int64_t>();
      layer_macs += l["macs"].get<int64_t>();
    }
    EXPECT_EQ(layer_params, weights) << arch;
    EXPECT_EQ(r.j["macs"].get<int64_t>(), layer_macs);
    EXPECT_EQ(r.j["metadata"]["arch"], arch);
  }
}

TEST_F(Cli, InfoListsTheGeometryOfEveryStep) {
  CliRun cnn = vitcnn({"info", "--model", model("cnn")});
  ASSERT_EQ(cnn.code, 0) << cnn.err;
  // The tiny cnn: stem 8, stages of 8 (stride 1) and 16 (stride 2), one block each.
  const json conv1 = {{"kernel", 3}, {"stride", 2}, {"pad", 1}, {"dilation", 1}, {"in_c", 8}, {"out_c", 16}};
  const json conv2 = {{"kernel", 3}, {"stride", 1}, {"pad", 1}, {"dilation", 1}, {"in_c", 16}, {"out_c", 16}};
  const json shortcut = {{"kernel", 1}, {"stride", 2}, {"pad", 0}, {"dilation", 1}, {"in_c", 8}, {"out_c", 16}};
  const json& block = cnn.j["layers"][2];
  EXPECT_EQ(block["name"], "stages.1.0");
  EXPECT_EQ(block["paths"], json::array({json::array({conv1, conv2}), json::array({shortcut})}));
  EXPECT_EQ(block["in_shape"], json::array({1, 8, 32, 32}));
  EXPECT_EQ(cnn.j["layers"][1]["paths"][1], json::array());  // stages.0.0: identity shortcut
  EXPECT_EQ(block["is_layer"], true);
  EXPECT_EQ(block["global_mixing"], false);
  CliRun vit = vitcnn({"info", "--model", model("vit")});
  ASSERT_EQ(vit.code, 0) << vit.err;
  EXPECT_EQ(vit.j["layers"][0]["paths"][0][0]["kernel"], 4);
  EXPECT_EQ(vit.j["layers"][0]["paths"][0][0]["stride"], 4);
  EXPECT_EQ(vit.j["layers"][1]["paths"], json::array({json::array()}));
  EXPECT_EQ(vit.j["layers"][1]["global_mixing"], true);
}

TEST_F(Cli, PredictMatchesTheReferenceAndSumsToOne) {
  const json want = expected();
  ASSERT_FALSE(want.is_discarded());
  for (const char* arch : {"vit", "cnn", "hybrid", "rvit"})
    for (const KernelTable* t : kernel_tables()) {  // ref, simd, xnnpack
      const std::string backend = t->name;
      CliRun r = vitcnn({"predict", "--model", model(arch), "--test-index", "0", "--backend", backend});
      ASSERT_EQ(r.code, 0) << r.err;
      const json& probs = r.j["probs"];
      ASSERT_EQ(probs.size(), 10u);
      double sum = 0.0;
      for (size_t k = 0; k < probs.size(); ++k) {
        sum += probs[k].get<double>();
        // float32 forward passes of an untrained model: the same maths, different summation order.
        EXPECT_NEAR(probs[k].get<double>(), want[arch]["probs"][k].get<double>(), 2e-5) << arch << " " << backend;
      }
      EXPECT_NEAR(sum, 1.0, 1e-9);
      ASSERT_EQ(r.j["top"].size(), 5u);
      EXPECT_GE(r.j["top"][0]["prob"].get<double>(), r.j["top"][4]["prob"].get<double>());
      EXPECT_TRUE(r.j["top"][0]["label"].is_string());
      EXPECT_GE(r.j["ms"].get<double>(), 0.0);
      EXPECT_EQ(r.j["backend"], backend);
    }
}

TEST_F(Cli, PredictFromAPngEqualsTheTestIndex) {
  // Test image 0 written as a 28x28 PNG decodes back to the same pixels (dark background: no inversion).
  Result<LabeledImages> set = load_fashion_mnist(kDefaultFashionMnistDir, "t10k");
  ASSERT_TRUE(set.ok()) << set.error().message;
  FigureImage image{28, 28, {}};
  for (int i = 0; i < 28 * 28; ++i) image.rgb.insert(image.rgb.end(), 3, set->images[i]);
  Result<std::vector<uint8_t>> bytes = encode_png(image);
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  const std::string png = (scratch("png") / "test0.png").string();
  std::ofstream(png, std::ios::binary).write(reinterpret_cast<const char*>(bytes->data()),
                                             static_cast<std::streamsize>(bytes->size()));
  CliRun a = vitcnn({"predict", "--model", model("vit"), "--image", png});
  CliRun b = vitcnn({"predict", "--model", model("vit"), "--test-index", "0"});
  ASSERT_EQ(a.code, 0) << a.err;
  ASSERT_EQ(b.code, 0) << b.err;
  for (size_t k = 0; k < 10; ++k) EXPECT_NEAR(a.j["probs"][k].get<double>(), b.j["probs"][k].get<double>(), 1e-6);
}

TEST_F(Cli, EvalCountsTheImages) {
  CliRun r = vitcnn({"eval", "--model", model("cnn"), "--limit", "130", "--batch", "64"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.j["n"], 130);
  const double acc = r.j["accuracy"];
  EXPECT_DOUBLE_EQ(acc, r.j["correct"].get<int>() / 130.0);
  // Batching does not change predictions.
  CliRun one_batch = vitcnn({"eval", "--model", model("cnn"), "--limit", "130", "--batch", "130"});
  ASSERT_EQ(one_batch.code, 0);
  EXPECT_EQ(one_batch.j["correct"], r.j["correct"]);
}

// --threads sets the kernel threads (kernels/parallel.h; tests/kernels checks that they change no bit of a kernel's
// result) and changes no number here either; a bad count is a usage error naming the flag.
TEST_F(Cli, ThreadsChangeNoResult) {
  for (const char* arch : {"vit", "cnn", "hybrid"}) {
    CliRun one = vitcnn({"eval", "--model", model(arch), "--limit", "200", "--batch", "200", "--threads", "1"});
    ASSERT_EQ(one.code, 0) << one.err;
    EXPECT_EQ(kernel_threads(), 1);
    CliRun three = vitcnn({"eval", "--model", model(arch), "--limit", "200", "--batch", "200", "--threads", "3"});
    ASSERT_EQ(three.code, 0) << three.err;
    EXPECT_EQ(kernel_threads(), 3) << arch;  // tests/cli are native: the build has threads
    EXPECT_EQ(one.j["correct"], three.j["correct"]) << arch;
  }
  for (const char* bad : {"0", "17", "two"}) {
    CliRun r = vitcnn({"eval", "--model", model("cnn"), "--limit", "10", "--threads", bad});
    EXPECT_EQ(r.code, 2) << bad;
    EXPECT_NE(r.err.find("--threads"), std::string::npos) << r.err;
  }
  set_kernel_threads(1);
}

TEST_F(Cli, TraceWritesNpyFilesAndAnIndex) {
  for (const char* arch : {"vit", "rvit"}) {
    SCOPED_TRACE(arch);
    const fs::path dir = scratch(std::string("trace_") + arch);
    CliRun r = vitcnn({"trace", "--model", model(arch), "--test-index", "2", "--out", dir.string()});
    ASSERT_EQ(r.code, 0) << r.err;
    ASSERT_TRUE(fs::exists(dir / "index.json"));
    std::vector<std::string> names;
    for (const json& t : r.j["tensors"]) {
      names.push_back(t["name"]);
      const fs::path file = dir / t["file"].get<std::string>();
      ASSERT_TRUE(fs::exists(file)) << file;
      int64_t n = 1;
      for (const json& d : t["shape"]) n *= d.get<int64_t>();
      std::ifstream f(file, std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
      ASSERT_GE(bytes.size(), 10u);
      const size_t header = static_cast<uint8_t>(bytes[8]) | (static_cast<uint8_t>(bytes[9]) << 8);
      EXPECT_EQ(bytes.compare(0, 6, "\x93NUMPY"), 0);
      EXPECT_EQ((10 + header) % 64, 0u);
      EXPECT_EQ(bytes.size(), 10 + header + 4 * static_cast<size_t>(n)) << file;
    }
    json want = expected()[arch]["traced"];
    for (const json& name : want) EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
    EXPECT_NE(std::find(names.begin(), names.end(), "logits"), names.end());
  }
}

TEST(CliNpy, HeaderFollowsTheFormat) {
  for (const std::vector<int64_t>& shape : {std::vector<int64_t>{5}, {2, 3}, {1, 2, 65, 65}}) {
    const std::vector<uint8_t> b = npy_bytes(Tensor(shape, 1.5f));
    const size_t header = b[8] | (b[9] << 8);
    const std::string text(b.begin() + 10, b.begin() + 10 + header);
    std::string tuple = "(";
    for (size_t i = 0; i < shape.size(); ++i) tuple += (i ? ", " : "") + std::to_string(shape[i]);
    tuple += shape.size() == 1 ? ",)" : ")";
    EXPECT_NE(text.find("'descr': '<f4'"), std::string::npos);
    EXPECT_NE(text.find("'shape': " + tuple), std::string::npos) << text;
    EXPECT_EQ(text.back(), '\n');
    EXPECT_EQ((10 + header) % 64, 0u);
    float first;
    std::memcpy(&first, b.data() + 10 + header, 4);
    EXPECT_EQ(first, 1.5f);
  }
}

TEST_F(Cli, AttentionShapes) {
  for (const char* arch : {"vit", "hybrid", "rvit"}) {
    // --layer/--head count from 1: the second layer's second head is [1][1] in the JSON.
    CliRun r = vitcnn({"attention", "--model", model(arch), "--test-index", "4", "--layer", "2", "--head", "2"});
    ASSERT_EQ(r.code, 0) << r.err;
    const int layers = r.j["layers"], heads = r.j["heads"], grid = r.j["grid"];
    EXPECT_EQ(layers, 2);
    EXPECT_EQ(heads, 2);
    EXPECT_EQ(grid, 8);
    EXPECT_EQ(r.j["tokens"], 65);
    EXPECT_EQ(r.j["cell_px"], 4.0);
    ASSERT_EQ(r.j["distance_px"].size(), 2u);
    ASSERT_EQ(r.j["cls_maps"].size(), 2u);
    for (int l = 0; l < layers; ++l) {
      ASSERT_EQ(r.j["distance_px"][l].size(), 2u);
      ASSERT_EQ(r.j["cls_maps"][l].size(), 2u);
      for (int h = 0; h < heads; ++h) {
        EXPECT_NEAR(r.j["distance_px"][l][h].get<double>(), 4.0 * r.j["distance_patches"][l][h].get<double>(), 1e-9);
        ASSERT_EQ(r.j["cls_maps"][l][h].size(), 8u);
        double sum = 0.0;
        for (const json& row : r.j["cls_maps"][l][h]) {
          ASSERT_EQ(row.size(), 8u);
          for (const json& v : row) sum += v.get<double>();
        }
        EXPECT_LE(sum, 1.0 + 1e-5);  // the rest of row 0 is CLS attending to itself
        EXPECT_GT(sum, 0.0);
      }
    }
    EXPECT_EQ(r.j["rollout_cls_map"].size(), 8u);
    EXPECT_EQ(r.j["selected"]["cls_map"], r.j["cls_maps"][1][1]);
    EXPECT_EQ(r.j["selected"]["distance_px"], r.j["distance_px"][1][1]);
    EXPECT_EQ(r.j["selected"]["layer"], 1);  // JSON indices count from 0
    EXPECT_EQ(r.j["selected"]["head"], 1);
    CliRun first = vitcnn({"attention", "--model", model(arch), "--test-index", "4", "--layer", "1", "--head", "2"});
    ASSERT_EQ(first.code, 0) << first.err;
    EXPECT_EQ(first.j["selected"]["cls_map"], first.j["cls_maps"][0][1]);
    EXPECT_EQ(first.j["selected"]["layer"], 0);
  }
}

TEST_F(Cli, AttentionMeanOverImages) {
  CliRun many = vitcnn({"attention", "--model", model("vit"), "--images", "3"});
  ASSERT_EQ(many.code, 0) << many.err;
  EXPECT_EQ(many.j["images"], 3);
  EXPECT_FALSE(many.j.contains("cls_maps"));
  // The mean of three single-image runs.
  std::vector<CliRun> singles;
  for (const char* i : {"0", "1", "2"}) {
    singles.push_back(vitcnn({"attention", "--model", model("vit"), "--test-index", i}));
    ASSERT_EQ(singles.back().code, 0) << singles.back().err;
  }
  for (int l = 0; l < 2; ++l)
    for (int h = 0; h < 2; ++h) {
      double sum = 0.0;
      for (const CliRun& one : singles) sum += one.j["distance_px"][l][h].get<double>();
      EXPECT_NEAR(many.j["distance_px"][l][h].get<double>(), sum / 3, 1e-8);
    }
}

TEST_F(Cli, AttentionDistanceMatchesTheReference) {
  // expected.json: attention_ref.py's distance on the PyTorch model's own attention probs, first 8 test images.
  const json want = expected();
  for (const char* arch : {"vit", "hybrid", "rvit"}) {
    CliRun r = vitcnn({"attention", "--model", model(arch), "--images", "8"});
    ASSERT_EQ(r.code, 0) << r.err;
    const json& ref = want[arch]["distance_px"];
    ASSERT_EQ(r.j["distance_px"].size(), ref.size());
    for (size_t l = 0; l < ref.size(); ++l)
      for (size_t h = 0; h < ref[l].size(); ++h)
        // float32 attention probs from two engines: ~1e-7 relative; 1e-5 of a ~16 px distance.
        EXPECT_NEAR(r.j["distance_px"][l][h].get<double>(), ref[l][h].get<double>(), 2e-4) << arch << " " << l << " " << h;
  }
}

TEST_F(Cli, AttentionOfACnnIsAnError) {
  CliRun r = vitcnn({"attention", "--model", model("cnn"), "--test-index", "0"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("cnn"), std::string::npos) << r.err;
  CliRun many = vitcnn({"attention", "--model", model("cnn"), "--images", "4"});
  EXPECT_EQ(many.code, 1);
}

TEST_F(Cli, RfLayersUnitsAndMaps) {
  // cnn_tiny: stem 3, stages.0.0 (stride 1) 3 + 2 + 2 = 7, stages.1.0 (stride 2) 7 + 2 + 4 = 13 on a 16 x 16 grid.
  CliRun cnn = vitcnn({"rf", "--model", model("cnn"), "--test-index", "2"});
  ASSERT_EQ(cnn.code, 0) << cnn.err;
  ASSERT_EQ(cnn.j["layers"].size(), 3u);
  EXPECT_EQ(cnn.j["layers"][2]["name"], "stages.1.0");
  EXPECT_EQ(cnn.j["layers"][2]["theoretical"]["size_px"], 13.0);
  EXPECT_EQ(cnn.j["layers"][2]["theoretical"]["jump_px"], 2.0);
  EXPECT_EQ(cnn.j["layer"], "stages.1.0");
  EXPECT_EQ(cnn.j["unit"]["row"], 8);
  EXPECT_EQ(cnn.j["input"]["test_index"], 2);
  EXPECT_EQ(cnn.j["input_px"], 32);
  ASSERT_EQ(cnn.j["erf"]["map"].size(), 32u);
  EXPECT_EQ(cnn.j["erf"]["map"][0].size(), 32u);
  EXPECT_EQ(cnn.j["erf"]["mass_outside_trf"], 0.0);
  EXPECT_GT(cnn.j["erf"]["r90_px"].get<double>(), cnn.j["erf"]["r50_px"].get<double>() - 1e-12);
  // A vit patch token at embed sees its 4 x 4 patch; the CLS token after a block sees the whole image.
  CliRun token = vitcnn({"rf", "--model", model("vit"), "--layer", "embed", "--token", "9", "--test-index", "0"});
  ASSERT_EQ(token.code, 0) << token.err;
  EXPECT_EQ(token.j["unit"]["token"], 10);
  EXPECT_EQ(token.j["unit"]["box_px"], (json{{"top", 4}, {"left", 4}, {"bottom", 8}, {"right", 8}}));
  EXPECT_EQ(token.j["erf"]["mass_outside_trf"], 0.0);
  CliRun cls = vitcnn({"rf", "--model", model("hybrid"), "--layer", "blocks.0", "--cls", "--images", "2"});
  ASSERT_EQ(cls.code, 0) << cls.err;
  EXPECT_EQ(cls.j["images"], 2);
  EXPECT_EQ(cls.j["layers"][3]["theoretical"]["global"], false) << "embed";
  EXPECT_EQ(cls.j["layers"][4]["theoretical"]["global"], true) << "blocks.0";
  EXPECT_EQ(cls.j["unit"]["centre_px"], (json{16.0, 16.0}));
  // --untrained: the seeded initialisation of the same config, written where asked.
  const fs::path dir = scratch("rf_untrained");
  const std::string saved = (dir / "cnn_untrained.safetensors").string();
  CliRun u = vitcnn({"rf", "--model", model("cnn"), "--untrained", "--seed", "3", "--save-untrained", saved});
  ASSERT_EQ(u.code, 0) << u.err;
  EXPECT_EQ(u.j["weights"]["untrained_seed"], 3);
  CliRun reloaded = vitcnn({"rf", "--model", saved});
  ASSERT_EQ(reloaded.code, 0) << reloaded.err;
  EXPECT_EQ(reloaded.j["erf"], u.j["erf"]);
}

TEST_F(Cli, RfBadInputsAreErrors) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"rf", "--model", model("cnn"), "--unit", "16,0"}, "outside"},
      {{"rf", "--model", model("cnn"), "--layer", "stages.1.0", "--unit", "0,-1"}, "outside"},
      {{"rf", "--model", model("vit"), "--layer", "blocks.7"}, "unknown layer 'blocks.7'"},
      {{"rf", "--model", model("vit"), "--images", "0"}, "--images"},
      {{"rf", "--model", model("cnn"), "--token", "3"}, "cnn"},
      {{"rf", "--model", model("cnn"), "--cls"}, "token layer"},
      {{"rf", "--model", model("hybrid"), "--layer", "stem", "--token", "3"}, "feature map"},
      {{"rf", "--model", model("vit"), "--token", "64"}, "--token"},
      {{"rf", "--model", model("vit"), "--unit", "1,2", "--cls"}, "at most one"},
      {{"rf", "--model", model("vit"), "--unit", "1;2"}, "ROW,COL"},
      {{"rf", "--model", model("vit"), "--images", "2", "--test-index", "1"}, "--images"},
      {{"rf", "--model", model("vit"), "--save-untrained", "x.safetensors"}, "--untrained"},
      {{"rf", "--model", model("vit"), "--seed", "2"}, "--untrained"},
  };
  expect_errors(cases);
}

TEST_F(Cli, CkaMatrixOfTwoModelsAndOfOneWithItself) {
  CliRun r = vitcnn({"cka", "--a", model("vit"), "--b", model("cnn"), "--images", "8", "--batch", "4"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.j["rows"], json({"embed", "blocks.0", "blocks.1"}));
  EXPECT_EQ(r.j["cols"], json({"stem", "stages.0.0", "stages.1.0"}));
  EXPECT_EQ(r.j["images"], 8);
  EXPECT_EQ(r.j["batch"], 4);
  ASSERT_EQ(r.j["matrix"].size(), 3u);
  for (const json& row : r.j["matrix"]) {
    ASSERT_EQ(row.size(), 3u);
    for (const json& v : row) EXPECT_LE(std::fabs(v.get<double>()), 1.0 + 1e-9);
  }
  // --images below 100 without --batch: one minibatch of all of them.
  CliRun self = vitcnn({"cka", "--a", model("hybrid"), "--b", model("hybrid"), "--images", "12"});
  ASSERT_EQ(self.code, 0) << self.err;
  EXPECT_EQ(self.j["batch"], 12);
  for (size_t i = 0; i < self.j["rows"].size(); ++i) EXPECT_NEAR(self.j["matrix"][i][i].get<double>(), 1.0, 1e-9);
}

TEST_F(Cli, SkipAndEquivarianceJson) {
  CliRun s = vitcnn({"skip", "--model", model("vit"), "--images", "3"});
  ASSERT_EQ(s.code, 0) << s.err;
  EXPECT_EQ(s.j["images"], 3);
  ASSERT_EQ(s.j["branches"].size(), 4u);
  EXPECT_EQ(s.j["branches"][1]["name"], "blocks.0.mlp");
  EXPECT_EQ(s.j["branches"][1]["ratio"].size(), 65u);
  EXPECT_TRUE(s.j["branches"][1]["cls"].is_number());
  CliRun c = vitcnn({"skip", "--model", model("cnn"), "--images", "2"});
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_EQ(c.j["branches"][1]["name"], "stages.1.0");
  EXPECT_TRUE(c.j["branches"][1]["cls"].is_null());
  EXPECT_EQ(c.j["branches"][1]["ratio"].size(), 256u);
  CliRun e = vitcnn({"equivariance", "--model", model("cnn"), "--images", "2"});
  ASSERT_EQ(e.code, 0) << e.err;
  EXPECT_EQ(e.j["max_shift"], 4);
  EXPECT_EQ(e.j["top1_changed"].size(), 4u);
  EXPECT_EQ(e.j["layers"][0]["name"], "stem");
  EXPECT_TRUE(e.j["layers"][0]["error"][0].is_number());
  EXPECT_TRUE(e.j["layers"][2]["error"][0].is_null());  // stride 2: k = 1 is half a cell
  EXPECT_TRUE(e.j["layers"][2]["error"][1].is_number());
}

TEST_F(Cli, RepresentationBadInputsAreErrors) {
  // A model of another input size (28 x 28, no padding).
  const fs::path dir = scratch("repr_bad");
  const std::string small = (dir / "cnn28.safetensors").string();
  Result<SafeTensors> st = init_weights(
      R"({"format_version": 1, "arch": "cnn", "config": {"image_size": 28, "in_channels": 1, "stem_width": 2,)"
      R"( "widths": [2], "strides": [1], "blocks": [1], "num_classes": 10}, "class_names": ["0","1","2","3","4",)"
      R"("5","6","7","8","9"], "input": {"size": 28, "pad": 0, "mean": 0, "std": 1}})",
      1);
  ASSERT_TRUE(st.ok()) << st.error().message;
  ASSERT_TRUE(write_safetensors(small, *st).ok());
  const std::string missing = (dir / "no_such.safetensors").string();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"cka", "--a", model("vit"), "--b", model("cnn"), "--images", "1"}, "at least 4 images"},
      {{"cka", "--a", model("vit"), "--b", model("cnn"), "--images", "10", "--batch", "4"}, "multiple"},
      {{"cka", "--a", model("vit"), "--b", missing}, "cannot load model"},
      {{"cka", "--a", model("vit")}, "--b PATH is required"},
      {{"cka", "--a", model("vit"), "--b", small, "--images", "8"}, "1 x 32 x 32 and 1 x 28 x 28"},
      {{"skip", "--model", missing}, "cannot load model"},
      {{"skip", "--model", model("vit"), "--images", "0"}, "--images"},
      {{"equivariance", "--model", model("vit"), "--images", "100000"}, "--images"},
  };
  expect_errors(cases);
}

TEST_F(Cli, FiguresWritesPngsAndASummary) {
  const fs::path models = scratch("figure_models"), out = scratch("figures");
  for (const char* name : {"vit_p001", "vit_p100"})
    fs::copy_file(model("vit"), models / (std::string(name) + ".safetensors"));
  CliRun r = vitcnn({"figures", "--out", out.string(), "--models", models.string(), "--images", "4", "--rf-images", "2",
                     "--cka-images", "8", "--repr-images", "2"});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* png : {"attention_grid.png", "distance_scatter.png", "rf_growth.png", "erf_grid.png",
                          "cka_vit_vit.png", "skip_ratio.png", "equivariance.png"}) {
    std::ifstream f(out / png, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    Result<GrayImage> img = decode_image(bytes);
    ASSERT_TRUE(img.ok()) << png;
    EXPECT_GT(img->width, 100);
    EXPECT_GT(img->height, 100);
  }
  std::ifstream md(out / "summary.md");
  std::stringstream ss;
  ss << md.rdbuf();
  EXPECT_NE(ss.str().find("local"), std::string::npos);
  EXPECT_NE(ss.str().find("vit_p001"), std::string::npos);
  // Receptive fields: only the vit family is there, so the claims comparing it with the cnn say they were not measured.
  EXPECT_NE(ss.str().find("## Receptive fields"), std::string::npos);
  EXPECT_NE(ss.str().find("| vit | 1 | blocks.0 | 32 (global) |"), std::string::npos) << ss.str();
  EXPECT_NE(ss.str().find("not measured"), std::string::npos);
  EXPECT_EQ(r.j["receptive_field"]["vit"][0]["size_px"], 4.0);
  EXPECT_EQ(r.j["distance_px"]["vit_p001"], r.j["distance_px"]["vit_p100"]);  // the same weights
  EXPECT_DOUBLE_EQ(r.j["local_threshold_px"].get<double>(), 0.5 * r.j["uniform_px"].get<double>());
  // Representations: the vit alone, so the claims that compare it with the cnn are not measured.
  EXPECT_NE(ss.str().find("## Representations"), std::string::npos);
  EXPECT_NE(ss.str().find("- *(a) ViT layers more uniform from bottom to top than the CNN's* (seed 002 section 3, "
                          "Raghu et al. 2021): needs vit_p100 and cnn_p100: not measured."),
            std::string::npos) << ss.str();
  EXPECT_NE(ss.str().find("vit_p100: from the first half of the transformer branches to the second the CLS ratio"),
            std::string::npos);
  EXPECT_EQ(r.j["representations"]["cka"]["vit_vit"]["images"], 8);
  EXPECT_EQ(r.j["representations"]["skip"]["vit"]["images"], 2);
  EXPECT_TRUE(r.j["representations"]["cka"]["vit_cnn"].is_null());
  // The slide figures are 1600 px wide, and the CKA figure is byte for byte what the lab's PNG export draws of the
  // same result: the builder of figures/representation_figures.h rendered with the lab's fonts (platform/shell.cpp).
  for (const char* png : {"attention_grid.png", "distance_scatter.png", "rf_growth.png", "erf_grid.png",
                          "cka_vit_vit.png", "skip_ratio.png", "equivariance.png", "predictions.png"}) {
    std::ifstream f(out / png, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    Result<GrayImage> img = decode_image(bytes);
    ASSERT_TRUE(img.ok()) << png;
    EXPECT_EQ(img->width, kFigureMinWidth) << png;
  }
  const json& cka = r.j["representations"]["cka"]["vit_vit"];
  CkaResult shown{cka["rows"].get<std::vector<std::string>>(), cka["cols"].get<std::vector<std::string>>(), {},
                  cka["images"].get<int64_t>(), cka["batch"].get<int>()};
  for (const json& row : cka["matrix"])
    for (const json& v : row) shown.matrix.push_back(v.get<double>());
  const FigureFontFiles fonts = lab_fonts();
  Result<std::vector<uint8_t>> lab_png = render_png(cka_figure(shown, "vit_p100", "vit_p100", Language::En), fonts.fonts());
  ASSERT_TRUE(lab_png.ok()) << lab_png.error().message;
  Result<std::vector<uint8_t>> cli_png = read_file((out / "cka_vit_vit.png").string());
  ASSERT_TRUE(cli_png.ok());
  EXPECT_TRUE(*lab_png == *cli_png) << "the lab's export and vitcnn figures differ";
  // The attention grid too: the builder the lab's export uses (figures/attention_figures.h), over test image 0.
  Result<std::unique_ptr<Model>> vit = load_model_file(model("vit"));
  ASSERT_TRUE(vit.ok());
  Result<LabeledImages> set = load_fashion_mnist(kDefaultFashionMnistDir, "t10k");
  ASSERT_TRUE(set.ok());
  const InputSpec& spec = (*vit)->input_spec();
  Result<AttentionImage> a = analyse_attention(**vit, test_set_input(*set, 0, 1, spec), false);
  ASSERT_TRUE(a.ok());
  const Figure grid = attention_grid_figure(
      {&*a, "vit_p100", model_view(test_set_pixels(*set, 0, 1), 28, spec), spec.size, -1, std::nullopt}, Language::En);
  Result<std::vector<uint8_t>> grid_png = render_png(grid, fonts.fonts());
  ASSERT_TRUE(grid_png.ok()) << grid_png.error().message;
  EXPECT_TRUE(*grid_png == *read_file((out / "attention_grid.png").string())) << "attention_grid.png differs";
  // Each map figure writes its numbers beside it: a row per panel and cell, panels numbered from 1.
  // The predictions of the p100 checkpoints found (here the vit) for the same test image, classes in words.
  std::stringstream predictions;
  predictions << std::ifstream(out / "predictions.csv").rdbuf();
  EXPECT_EQ(predictions.str().rfind("model,label,class_name,probability\nvit_p100,0,T-shirt/top,", 0), 0u) << predictions.str();
  // Every PNG comes with the CSV of its numbers, written by the lab's export function of that figure.
  int pngs = 0;
  for (const json& file : r.j["files"]) {
    const fs::path png = file.get<std::string>();
    if (png.extension() != ".png") continue;
    ++pngs;
    fs::path csv = png;
    csv.replace_extension(".csv");
    EXPECT_TRUE(fs::exists(csv)) << csv;
    EXPECT_NE(std::find(r.j["files"].begin(), r.j["files"].end(), json(csv.string())), r.j["files"].end()) << csv;
  }
  EXPECT_EQ(pngs, 11);  // the vit alone: no cka_cnn_*, distance_scatter_rvit or other families' skip tokens
  std::stringstream text;
  text << std::ifstream(out / "attention_grid.csv").rdbuf();
  EXPECT_EQ(text.str().rfind("layer,head,patch_row,patch_column,attention\n", 0), 0u);
  const std::string cka_text = read_text((out / "cka_vit_vit.csv").string());
  EXPECT_EQ(cka_text, cka_csv(shown));
  EXPECT_EQ(cka_text.rfind("a_layer,a_name,b_layer,b_name,cka,images\nemb,embed,emb,embed,", 0), 0u) << cka_text;
  const std::string similarity = read_text((out / "position_similarity.csv").string());
  EXPECT_EQ(similarity.rfind("outlined_row,outlined_column,patch_row,patch_column,cosine_similarity\n1,1,1,1,1\n", 0),
            0u) << similarity.substr(0, 100);
  EXPECT_EQ(read_text((out / "skip_ratio_tokens_vit_p100.csv").string()).rfind("branch,name,token,row,col,ratio,images\n", 0),
            0u);
  EXPECT_EQ(read_text((out / "distance_scatter.csv").string()).rfind("model,layer,head,distance_px\nvit_p100,1,1,", 0), 0u);
  std::stringstream grid_csv;
  grid_csv << std::ifstream(out / "attention_grid.csv").rdbuf();
  EXPECT_EQ(grid_csv.str(), maps_csv(grid));
  EXPECT_NE(grid_csv.str().find("\n1,1,1,1,"), std::string::npos);
  std::stringstream erf_csv;
  erf_csv << std::ifstream(out / "erf_grid.csv").rdbuf();
  EXPECT_NE(erf_csv.str().find("\n\"ViT, 100 % of the data\",emb,1,1,"), std::string::npos)
      << "erf_grid.csv names its rows in words and its layers as the figure does";
  for (const std::string lang : {"de", "EN"}) {
    CliRun bad = vitcnn({"figures", "--out", out.string(), "--models", models.string(), "--lang", lang});
    EXPECT_EQ(bad.code, 1) << lang;
    EXPECT_NE(bad.err.find("unknown --lang '" + lang + "' (en or ko)"), std::string::npos) << bad.err;
  }
  CliRun no_fonts = vitcnn({"figures", "--out", out.string(), "--models", models.string(), "--images", "4",
                            "--fonts", (out / "no_fonts").string()});
  EXPECT_EQ(no_fonts.code, 1);
  EXPECT_NE(no_fonts.err.find("figure fonts"), std::string::npos) << no_fonts.err;

  fs::remove(models / "vit_p001.safetensors");
  CliRun missing = vitcnn({"figures", "--out", out.string(), "--models", models.string(), "--images", "4"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("vit_p001"), std::string::npos) << missing.err;
}

// rvit and its control next to the vit: the locality section's table and sentences, and the rvit scatter. The tiny
// rvit keeps its locality prior (untrained); its control here is the same file with zero tables.
TEST_F(Cli, FiguresSummarizesRvitAndItsControl) {
  const fs::path models = scratch("figure_models_rvit"), out = scratch("figures_rvit");
  for (const char* name : {"vit_p001", "vit_p100"})
    fs::copy_file(model("vit"), models / (std::string(name) + ".safetensors"));
  fs::copy_file(model("rvit"), models / "rvit_p100.safetensors");
  Result<SafeTensors> zero = read_safetensors(model("rvit"));
  ASSERT_TRUE(zero.ok()) << zero.error().message;
  for (auto& [name, t] : zero->tensors)
    if (name.ends_with(".attn.rel_bias")) std::fill(t.data.begin(), t.data.end(), 0.0f);
  ASSERT_TRUE(write_safetensors((models / "rvitzero_p100.safetensors").string(), *zero).ok());
  CliRun r = vitcnn({"figures", "--out", out.string(), "--models", models.string(), "--images", "4", "--rf-images", "1",
                     "--cka-images", "4", "--repr-images", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream f(out / "distance_scatter_rvit.png", std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(decode_image(bytes).ok());
  std::stringstream ss;
  ss << std::ifstream(out / "summary.md").rdbuf();
  const std::string md = ss.str();
  EXPECT_NE(md.find("## Where does locality come from?"), std::string::npos) << md;
  const json& loc = r.j["locality"];
  // The untrained rvit's prior makes local heads (2 heads: 1/4 and 1/16 per px^2); zero tables on random weights do not.
  EXPECT_GT(loc["rvit_p100"]["local_heads"].get<int>(), 0);
  EXPECT_EQ(loc["rvitzero_p100"]["local_heads"], 0);
  EXPECT_EQ(loc["vit_p100"]["heads"], 4);
  EXPECT_NE(md.find("| rvit_p100 | " + std::to_string(loc["rvit_p100"]["local_heads"].get<int>()) + " of 4 |"),
            std::string::npos) << md;
  EXPECT_NE(md.find("- rvit: every checkpoint keeps local heads"), std::string::npos) << md;
  EXPECT_NE(md.find("rvit's locality comes from the prior, not from the data"), std::string::npos) << md;
  EXPECT_NE(md.find("distance_scatter_rvit.png"), std::string::npos);
}

// vitcnn compare on the tiny models copied in as the four p100 checkpoints (untrained: no recorded accuracy), over
// 20 test images: the files, the JSON's rows, "—" for what is not there, and the data-scale figure of `figures`.
TEST_F(Cli, CompareWritesTheTableAsCsvMarkdownAndJson) {
  const fs::path models = scratch("compare_models"), out = scratch("compare_out") / "nested";
  for (const char* arch : {"vit", "cnn", "hybrid", "rvit"})
    fs::copy_file(model(arch), models / (std::string(arch) + "_p100.safetensors"));
  CliRun r = vitcnn({"compare", "--out", out.string(), "--models-dir", models.string(), "--images", "20"});
  ASSERT_EQ(r.code, 0) << r.err;
  const json& t = r.j["table"];
  EXPECT_EQ(t["images"], 20);
  EXPECT_EQ(t["families"], json({"vit", "cnn", "hybrid", "rvit"}));
  EXPECT_EQ(t["checkpoints"], json({"vit_p100", "cnn_p100", "hybrid_p100", "rvit_p100"}));
  std::map<std::string, json> rows;
  for (const json& row : t["rows"]) rows[row["key"]] = row["values"];
  for (const char* key : {"params", "macs", "forward_ms", "attention_first_px", "erf_r90_last_px",
                          "equivariance_error_k4", "top1_changed_k4", "cka_last_cnn"})
    EXPECT_TRUE(rows.count(key)) << key;
  for (int f = 0; f < 4; ++f) {
    EXPECT_GT(rows["params"][f].get<double>(), 0.0);
    EXPECT_GT(rows["forward_ms"][f].get<double>(), 0.0);
    EXPECT_TRUE(rows["accuracy_p100"][f].is_null()) << "untrained files record no accuracy";
    EXPECT_EQ(rows["cka_last_" + t["families"][f].get<std::string>()][f], 1.0);
    const double cka = rows["cka_last_vit"][f].get<double>();
    EXPECT_LE(std::fabs(cka), 1.0 + 1e-9);
  }
  EXPECT_TRUE(rows["attention_first_px"][1].is_null()) << "the cnn has no attention";
  EXPECT_GT(rows["attention_first_px"][0].get<double>(), 0.0);
  EXPECT_EQ(rows["trf_last_px"][0], 32.0);
  EXPECT_EQ(rows["cka_last_cnn"][0], rows["cka_last_vit"][1]);  // symmetric
  std::ifstream md(out / "compare.md"), csv(out / "compare.csv");
  std::stringstream m, c;
  m << md.rdbuf();
  c << csv.rdbuf();
  EXPECT_NE(m.str().find("| measurement | vit_p100 | cnn_p100 | hybrid_p100 | rvit_p100 |"), std::string::npos);
  EXPECT_NE(m.str().find("Cited from the literature, not measured here"), std::string::npos);
  EXPECT_NE(m.str().find("| ViT-B/16 | 86 | 17.6 | 84.2 | JFT-300M | Dosovitskiy et al. 2021 |"), std::string::npos);
  EXPECT_EQ(c.str().rfind("measurement,vit_p100,cnn_p100,hybrid_p100,rvit_p100\nparameters,", 0), 0u) << c.str();
  EXPECT_NE(c.str().find(",—,—,—,—\n"), std::string::npos) << "missing accuracies";
  EXPECT_EQ(r.j["files"][0], (out / "compare.csv").string());
}

TEST_F(Cli, CompareBadInputsAreErrors) {
  const fs::path out = scratch("compare_bad");
  auto error = [](const std::vector<std::string>& argv) {
    CliRun r = vitcnn(argv);
    EXPECT_NE(r.code, 0);
    return r.err;
  };
  EXPECT_NE(error({"compare"}).find("--out DIR is required"), std::string::npos);
  EXPECT_NE(error({"compare", "--out", out.string(), "--models-dir", "/no/such/dir"}).find("no checkpoint folder"),
            std::string::npos);
  EXPECT_NE(error({"compare", "--out", out.string(), "--images", "30"}).find("multiple of 20"), std::string::npos);
  EXPECT_NE(error({"compare", "--out", out.string(), "--images", "0"}).find("--images"), std::string::npos);
  EXPECT_NE(error({"compare", "--out", out.string(), "--models-dir", scratch("compare_empty").string()})
                .find("compare needs vit_p100.safetensors"),
            std::string::npos);
  EXPECT_NE(error({"compare", "--out", out.string(), "--bogus", "1"}).find("--bogus"), std::string::npos);
  // --out naming a file: the folder cannot be made.
  const fs::path models = scratch("compare_models_bad");
  for (const char* arch : {"vit", "cnn", "hybrid", "rvit"})
    fs::copy_file(model(arch), models / (std::string(arch) + "_p100.safetensors"));
  const fs::path file = out / "a_file";
  std::ofstream(file) << "x";
  EXPECT_NE(error({"compare", "--out", file.string(), "--models-dir", models.string(), "--images", "20"})
                .find("cannot create the folder"),
            std::string::npos);
}

// The data-scale figure: accuracies recorded in the files (here the shipped vit and cnn at 1 % and 100 %).
TEST_F(Cli, DataScaleFigureAndItsFinding) {
  const fs::path out = scratch("data_scale");
  const FigureFontFiles fonts = lab_fonts();
  Result<DataScaleFigure> fig = data_scale_figure(VITCNN_SOURCE_DIR "/assets/models", out, fonts.fonts(), Language::En);
  ASSERT_TRUE(fig.ok()) << fig.error().message;
  ASSERT_EQ(fig->files.size(), 2u);
  // The CSV: a header and one row per family and share the files record (every shipped family, five shares each).
  EXPECT_EQ(fig->files[1], (out / "data_scale.csv").string());
  const std::vector<uint8_t> bytes_csv = read_file(fig->files[1]).value();
  const std::string csv(bytes_csv.begin(), bytes_csv.end());
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "family,share_percent,source,accuracy,standard_error,images");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + kFamilyCount * kDataScaleCount);
  EXPECT_NE(csv.find("\nvit,1,recorded,0.745,"), std::string::npos);
  std::ifstream f(fig->files[0], std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  Result<GrayImage> img = decode_image(bytes);
  ASSERT_TRUE(img.ok());
  EXPECT_EQ(img->width, kFigureMinWidth);
  EXPECT_EQ(fig->numbers["shares_percent"], json({1, 3, 10, 30, 100}));
  EXPECT_EQ(fig->numbers["families"][0], "vit");
  EXPECT_EQ(fig->numbers["samples"][0][4], 10000);
  const json& finding = fig->numbers["finding"];
  EXPECT_NEAR(finding["vit_gain"].get<double>(),
              fig->numbers["accuracy"][0][4].get<double>() - fig->numbers["accuracy"][0][0].get<double>(), 1e-12);
  EXPECT_NE(fig->markdown.find("| vit | 74.50 ± 0.44 |"), std::string::npos) << fig->markdown;
  EXPECT_NE(fig->markdown.find("From 1 % to 100 % of the training data the ViT gains"), std::string::npos);
  // Without the cnn's checkpoints the finding is not measured, and the figure is still drawn.
  const fs::path lone = scratch("data_scale_vit");
  fs::copy_file(VITCNN_SOURCE_DIR "/assets/models/vit_p001.safetensors", lone / "vit_p001.safetensors");
  Result<DataScaleFigure> part = data_scale_figure(lone, lone, fonts.fonts(), Language::En);
  ASSERT_TRUE(part.ok()) << part.error().message;
  EXPECT_NE(part->markdown.find("not measured"), std::string::npos);
  EXPECT_FALSE(part->numbers.contains("finding"));
}

}  // namespace
}  // namespace vc::cli
