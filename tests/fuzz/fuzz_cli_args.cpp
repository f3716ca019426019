// libFuzzer target: the two command-line parsers, vc::cli::parse_args (every `vitcnn` subcommand, here with the
// flags of `vitcnn rf`: values, switches, --name=value) and vc::parse_shell_options (the lab programs' flags, also
// the web page's Module.arguments). The input is split into argv at every '\0' and '\n'.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/args.h"
#include "platform/options.h"

namespace {

const std::vector<vc::cli::FlagSpec>& rf_like_flags() {
  static const std::vector<vc::cli::FlagSpec> flags = {
      {"model", "PATH", ""}, {"layer", "NAME", ""}, {"unit", "ROW,COL", ""}, {"token", "N", ""},
      {"cls", "", ""},       {"image", "PATH", ""}, {"test-index", "N", ""}, {"images", "N", ""},
      {"untrained", "", ""}, {"seed", "N", ""},     {"backend", "NAME", ""}};
  return flags;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> argv(1);
  for (size_t i = 0; i < size; ++i) {
    const char c = static_cast<char>(data[i]);
    if (c == '\0' || c == '\n')
      argv.emplace_back();
    else
      argv.back() += c;
  }
  if (auto args = vc::cli::parse_args("rf", rf_like_flags(), argv)) {
    (void)args->get_int("test-index", 0, 0, 9999);
    (void)args->get_int("seed", 1, 0, 1 << 30);
    (void)args->get("model");
  }
  (void)vc::parse_shell_options(argv);
  return 0;
}
