#include "cli/cli.h"

#include <algorithm>

namespace vc::cli {
namespace {

bool has_flag(const Command& c, const std::string& name) {
  return std::any_of(c.flags.begin(), c.flags.end(), [&](const FlagSpec& f) { return f.name == name; });
}

// Every command; those that run kernels (they take --backend) take --threads too.
std::vector<Command> all_commands() {
  std::vector<Command> commands = {info_command(),      predict_command(), eval_command(),    trace_command(),
                                   attention_command(), figures_command(), rf_command(),      cka_command(),
                                   skip_command(),      equivariance_command(), compare_command()};
  for (Command& c : commands)
    if (has_flag(c, "backend")) c.flags.push_back(threads_flag());
  return commands;
}

void print_usage(std::ostream& out) {
  out << "usage: vitcnn <command> [flags]   (vitcnn <command> --help for its flags)\n\ncommands:\n";
  for (const Command& c : all_commands()) out << "  " << c.name << std::string(18 - c.name.size(), ' ') << c.summary << "\n";
}

void print_help(const Command& c, std::ostream& out) {
  out << "usage: vitcnn " << c.name << " [flags]\n" << c.summary << "\n\nflags:\n";
  for (const FlagSpec& f : c.flags) {
    std::string lhs = "--" + f.name + (f.value.empty() ? "" : " " + f.value);
    out << "  " << lhs << std::string(lhs.size() < 22 ? 22 - lhs.size() : 1, ' ') << f.help << "\n";
  }
  out << "  --help                this text\n";
}

}  // namespace

int run_cli(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  if (argv.empty()) {
    print_usage(err);
    return 2;
  }
  if (argv[0] == "--help" || argv[0] == "-h" || argv[0] == "help") {
    print_usage(out);
    return 0;
  }
  for (const Command& c : all_commands()) {
    if (c.name != argv[0]) continue;
    const std::vector<std::string> rest(argv.begin() + 1, argv.end());
    for (const std::string& a : rest)
      if (a == "--help" || a == "-h") {
        print_help(c, out);
        return 0;
      }
    Result<Args> args = parse_args(c.name, c.flags, rest);
    if (!args) {
      err << "vitcnn " << c.name << ": " << args.error().message << "\n";
      return 2;
    }
    if (has_flag(c, "threads"))
      if (Status threads = apply_threads(*args); !threads) {
        err << "vitcnn " << c.name << ": " << threads.error().message << "\n";
        return 2;
      }
    Result<json> result = c.run(*args);
    if (!result) {
      err << "vitcnn " << c.name << ": " << result.error().message << "\n";
      return 1;
    }
    out << result->dump() << "\n";
    return 0;
  }
  err << "vitcnn: unknown command '" << argv[0] << "'\n";
  print_usage(err);
  return 2;
}

}  // namespace vc::cli
