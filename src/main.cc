// The ebb binary: `ebb serve ...` runs the server; every other command is the CLI client.
#include <cstring>

#include "cli/cli.h"
#include "serve/serve.h"

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "serve") == 0) return ebb::serve::Main(argc - 1, argv + 1);
  return ebb::cli::Main(argc, argv);
}
