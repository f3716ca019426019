// The golden JSON files of the NumPy references (tools/analysis_ref): the committed file in tests/analysis/data/,
// or the one an environment variable names (a golden ctest has just regenerated from another seed).
#pragma once
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace vc {

// $env_var when set (and env_var non-null), else tests/analysis/data/<file>.
inline std::string golden_path(const char* env_var, const std::string& file) {
  const char* env = env_var ? std::getenv(env_var) : nullptr;
  return env ? env : VITCNN_SOURCE_DIR "/tests/analysis/data/" + file;
}

// The parsed file; is_discarded() when it is missing or malformed.
inline nlohmann::json read_golden(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return nlohmann::json::parse(ss.str(), nullptr, false);
}

}  // namespace vc
