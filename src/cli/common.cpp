#include "cli/common.h"

#include <fstream>
#include <iterator>
#include <sstream>

#include "analysis/predictions.h"
#include "core/image.h"
#include "kernels/parallel.h"

namespace vc::cli {

FlagSpec model_flag() { return {"model", "PATH", "weight file (.safetensors) of a vit, cnn or hybrid model"}; }
// "ref, simd or xnnpack": the names of kernel_tables().
std::string backend_names() {
  std::string names;
  const auto tables = kernel_tables();
  for (size_t i = 0; i < tables.size(); ++i)
    names += (i == 0 ? "" : i + 1 == tables.size() ? " or " : ", ") + std::string(tables[i]->name);
  return names;
}

FlagSpec backend_flag() { return {"backend", "NAME", "kernel backend: " + backend_names() + " (default simd)"}; }
FlagSpec threads_flag() {
  return {"threads", "N",
          "kernel threads (default " + std::to_string(kernel_threads_available()) +
              ", this machine's; results do not depend on it)"};
}

Status apply_threads(const Args& args) {
  Result<int> n = args.get_int("threads", kernel_threads_available(), 1, kMaxKernelThreads);
  if (!n) return n.error();
  set_kernel_threads(*n);
  return {};
}

FlagSpec data_flag() {
  return {"data", "DIR", std::string("Fashion-MNIST folder (default ") + kDefaultFashionMnistDir + ")"};
}
FlagSpec image_flag() { return {"image", "PATH", "input image (PNG/JPEG; grayscale, resized to 28x28)"}; }
FlagSpec test_index_flag() { return {"test-index", "N", "use image N of the Fashion-MNIST test set instead"}; }
FlagSpec fonts_flag() {
  return {"fonts", "DIR", std::string("the lab's font folder, with dejavu/DejaVuSans.ttf (default ") + VITCNN_FONTS_DIR + ")"};
}

Result<std::vector<uint8_t>> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Error{"cannot open '" + path + "'"};
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (f.bad()) return Error{"cannot read '" + path + "'"};
  return bytes;
}

Result<FigureFontFiles> read_figure_fonts(const Args& args) {
  const std::string dir = args.get("fonts", VITCNN_FONTS_DIR);
  Result<std::vector<uint8_t>> text = read_file(dir + "/dejavu/DejaVuSans.ttf");
  if (!text) return Error{"figure fonts: " + text.error().message + " (--fonts DIR)"};
  FigureFontFiles files{std::move(*text), {}};
  if (Result<std::vector<uint8_t>> hangul = read_file(dir + "/nanum/NanumGothic.ttf"); hangul) files.hangul = std::move(*hangul);
  return files;
}

Status write_figure(const Figure& figure, const FigureFonts& fonts, const std::string& path) {
  Result<std::vector<uint8_t>> png = render_png(figure, fonts);
  if (!png) return Error{path + ": " + png.error().message};
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(png->data()), static_cast<std::streamsize>(png->size()));
  if (!f) return Error{"cannot write PNG '" + path + "'"};
  return {};
}

Status write_figure_csv(const Figure& figure, const std::string& csv, const FigureFonts& fonts,
                        const std::string& stem) {
  if (Status st = write_figure(figure, fonts, stem + ".png"); !st) return st;
  return write_text(stem + ".csv", csv);
}

std::string figure_stem(const std::filesystem::path& out, const std::string& name, std::vector<std::string>* files) {
  for (const char* ext : {".png", ".csv"}) files->push_back((out / (name + ext)).string());
  return (out / name).string();
}

Status write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  if (!f) return Error{"cannot write '" + path + "'"};
  return {};
}

FlagSpec lang_flag() { return {"lang", "en|ko", "the language of the figures' words (default en)"}; }

Result<Language> figure_language(const Args& args) {
  const std::string lang = args.get("lang", "en");
  if (lang == "en") return Language::En;
  if (lang == "ko") return Language::Ko;
  return Error{"unknown --lang '" + lang + "' (en or ko)"};
}

Result<const KernelTable*> kernels_from_args(const Args& args) {
  const std::string backend = args.get("backend", "simd");
  const KernelTable* k = kernels_by_name(backend);
  if (!k) return Error{"unknown backend '" + backend + "' (" + backend_names() + ")"};
  return k;
}

Result<std::unique_ptr<Model>> open_model(const Args& args, const std::string& flag) {
  if (!args.has(flag)) return Error{"--" + flag + " PATH is required"};
  Result<const KernelTable*> k = kernels_from_args(args);
  if (!k) return k.error();
  Result<std::unique_ptr<Model>> m = load_model_file(args.get(flag));
  if (!m) return Error{"cannot load model '" + args.get(flag) + "': " + m.error().message};
  (*m)->set_kernels(**k);
  return m;
}

Result<LabeledImages> open_test_set(const Args& args) {
  Result<LabeledImages> set = load_fashion_mnist(args.get("data", kDefaultFashionMnistDir), "t10k");
  if (!set) return Error{"cannot load the Fashion-MNIST test set: " + set.error().message};
  return set;
}

Result<InputImage> input_from_args(const Model& model, const Args& args) {
  if (args.has("image") == args.has("test-index")) return Error{"give exactly one of --image PATH or --test-index N"};
  if (args.has("test-index")) {
    Result<LabeledImages> set = open_test_set(args);
    if (!set) return set.error();
    Result<int> index = args.get_int("test-index", 0, 0, set->count - 1);
    if (!index) return index.error();
    return InputImage{test_set_input(*set, *index, 1, model.input_spec()),
                      json{{"test_index", *index}, {"label", set->labels[*index]}}};
  }
  Result<std::vector<uint8_t>> bytes = read_file(args.get("image"));
  if (!bytes) return bytes.error();
  Result<GrayImage> img = decode_image(*bytes);
  if (!img) return Error{"cannot decode '" + args.get("image") + "': " + img.error().message};
  const GrayImage digit = to_digit_style(*img);
  return InputImage{make_input(digit.pixels, 1, model.input_spec()), json{{"image", args.get("image")}}};
}

std::string fixed(double v, int digits) {
  std::ostringstream o;
  o.setf(std::ios::fixed);
  o.precision(digits);
  o << v;
  return o.str();
}

}  // namespace vc::cli
