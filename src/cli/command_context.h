// What every ebb CLI command works with: the API client, where to print, the clock (for ages
// and waits), and the namespace in effect. Commands print their own results and errors (stdout
// for results, stderr for errors and "No resources found") and return the process exit code:
// 0 on success, 1 on any failure, as kubectl does.
#pragma once

#include <istream>
#include <ostream>
#include <string>

#include "cli/api_client.h"
#include "common/clock.h"

namespace ebb::cli {

struct CommandContext {
  ApiClient& client;
  std::ostream& out;
  std::ostream& err;
  std::istream& in;  // for `-f -`
  const Clock& clock;
  std::string ns;            // -n, else the kubeconfig context's namespace, else "default"
  bool ns_explicit = false;  // -n was given (a manifest's namespace must then agree)
};

}  // namespace ebb::cli
