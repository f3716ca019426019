// vitcnn entry point: see cli/cli.h.
#include <iostream>

#include "cli/cli.h"
#include "platform/native_malloc.h"

int main(int argc, char** argv) {
  vc::keep_freed_memory_mapped();
  return vc::cli::run_cli(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
}
