#include "cli/args.h"

#include <charconv>

namespace vc::cli {

std::string Args::get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

Result<int> Args::get_int(const std::string& name, int fallback, int lo, int hi) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  const std::string& s = it->second;
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size())
    return Error{"--" + name + " expects an integer, got '" + s + "'"};
  if (v < lo || v > hi)
    return Error{"--" + name + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + s};
  return v;
}

Result<Args> parse_args(const std::string& command, const std::vector<FlagSpec>& specs,
                        const std::vector<std::string>& argv) {
  const std::string hint = " (see: vitcnn " + command + " --help)";
  Args args;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.size() < 3 || a.compare(0, 2, "--") != 0) return Error{"unexpected argument '" + a + "'" + hint};
    const size_t eq = a.find('=');
    const std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const FlagSpec* spec = nullptr;
    for (const FlagSpec& s : specs)
      if (s.name == name) spec = &s;
    if (!spec) return Error{"unknown flag '--" + name + "'" + hint};
    if (args.has(name)) return Error{"flag '--" + name + "' given twice" + hint};
    if (spec->value.empty()) {
      if (eq != std::string::npos) return Error{"flag '--" + name + "' takes no value" + hint};
      args.values_[name] = "";
    } else if (eq != std::string::npos) {
      args.values_[name] = a.substr(eq + 1);
    } else {
      if (i + 1 >= argv.size()) return Error{"flag '--" + name + "' needs a value " + spec->value + hint};
      args.values_[name] = argv[++i];
    }
  }
  return args;
}

}  // namespace vc::cli
