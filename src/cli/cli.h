// The `ebb` command-line client: every `ebb` command except `ebb serve` (src/main.cc sends that
// to ebb::serve::Main and everything else here).
//
//   ebb version | apply | get | describe | delete | logs | service create|update|delete|list|
//   describe | load (parsed by src/load: a Vegeta-style load generator; the CLI lends it the
//   kubeconfig to count a service's instances)
//   global flags: --kubeconfig FILE, --data-dir DIR, -n/--namespace NS (kubeconfig.h says which
//   kubeconfig is read)
//
// Behaviour and messages follow kubectl (and kn for `service`); the exit code is 0 on success
// and 1 on any error, including a usage error, which prints the problem and a hint
// ("See 'ebb get --help' for usage."). --help prints usage and exits 0.
#pragma once

#include <functional>
#include <istream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "cli/api_client.h"
#include "common/clock.h"
#include "common/status.h"

namespace ebb::cli {

inline constexpr char kClientVersion[] = "v0.1.0";

int Main(int argc, char** argv);

// ---- seams for tests ----

struct GlobalOptions {
  std::string kubeconfig;  // --kubeconfig
  std::string data_dir;    // --data-dir
};

struct Connection {
  std::unique_ptr<ApiClient> client;
  std::string ns;  // the kubeconfig context's namespace ("" when unset)
};

// Opens the API connection for a command; production reads the kubeconfig (LoadKubeconfig) and
// returns an HttpsApiClient. Errors are printed as "error: <message>".
using Connector = std::function<Result<Connection>(const GlobalOptions&)>;

struct Environment {
  std::ostream& out;
  std::ostream& err;
  std::istream& in;
  const Clock& clock;
  Connector connect;
};

// Runs one command line; args[0] is the program name.
int Run(const std::vector<std::string>& args, Environment& env);

// The production Connector (kubeconfig + HTTPS).
Connector KubeconfigConnector(const Clock& clock);

// "120s", "2m", "1m30s", "1h", or a plain number of seconds. kBadRequest otherwise.
Result<std::chrono::seconds> ParseDuration(std::string_view text);

}  // namespace ebb::cli
