// Command-line flags of one `vitcnn` subcommand: `--name value`, `--name=value` or a bare `--switch`.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/error.h"

namespace vc::cli {

struct FlagSpec {
  std::string name;     // without the leading "--"
  std::string value;    // placeholder shown in help ("PATH", "N"); empty for a switch
  std::string help;
};

class Args {
 public:
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const;
  // Integer flag in [lo, hi]; `fallback` when absent; an error naming the flag when malformed.
  Result<int> get_int(const std::string& name, int fallback, int lo, int hi) const;

 private:
  friend Result<Args> parse_args(const std::string& command, const std::vector<FlagSpec>& specs,
                                 const std::vector<std::string>& argv);
  std::map<std::string, std::string> values_;
};

// argv: the arguments after the subcommand name. Unknown flags, missing values, repeated flags and
// positional arguments are errors that name the offender and point to `vitcnn <command> --help`.
Result<Args> parse_args(const std::string& command, const std::vector<FlagSpec>& specs,
                        const std::vector<std::string>& argv);

}  // namespace vc::cli
