// `vitcnn`: the lab's command-line tool. Each subcommand prints one JSON object on stdout; errors go to
// stderr with a non-zero exit status.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "cli/common.h"

namespace vc::cli {

// The subcommands (each defined in its own file of src/cli).
Command info_command();
Command predict_command();
Command eval_command();
Command trace_command();
Command attention_command();
Command figures_command();
Command rf_command();
Command cka_command();
Command skip_command();
Command equivariance_command();

// argv without the program name. Returns the process exit status: 0 ok, 1 runtime error, 2 usage error.
int run_cli(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err);

}  // namespace vc::cli
