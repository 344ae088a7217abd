// `ebb load`: a load generator with Vegeta's options and reports (component contract).
//
//   ebb load [URL] [flags]            attack, then print a report on stdout
//   ebb load report [--type T] FILE   re-report results saved with --output
//
// Targets: URL (or --url) with -X/--method, repeated -H 'Name: value' (Host routes to an ebb
// service), --body FILE or --body-string S; or Vegeta's http targets format from --targets FILE
// or stdin (targets.h). Load: open loop at --rate (default 50/1s) for --duration (default: until
// Ctrl-C) and/or -n hits; or closed loop with -c N workers. --connections, --timeout (30s),
// --keepalive (true), --threads (1). Output: --report text|json|hist[...] (report.h),
// --output FILE (raw results, results_file.h), --plot FILE.html (plot.h) with the service's
// instance counts polled from ebb's API, --instances FILE (those counts as CSV).
// A live progress line goes to stderr when it is a terminal. Exit code 0 when the attack ran
// (whatever the answers), 1 on a usage or setup error.
//
// The ebb CLI (src/cli) dispatches `ebb load ...` here and supplies the instance counter
// factory, which reads the kubeconfig the same way as the other commands.
#pragma once

#include <atomic>
#include <functional>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "load/instances.h"

namespace ebb::load {

// Where to find the API that knows a service's instances (the CLI's kubeconfig lookup).
struct InstanceSource {
  std::string kubeconfig;  // --kubeconfig
  std::string data_dir;    // --data-dir
  std::string ns;          // --namespace, else from the Host; "" = the kubeconfig's
  std::string service;
};
using InstanceCounterFactory = std::function<Result<InstanceCounter>(const InstanceSource&)>;

struct Environment {
  std::ostream& out;
  std::ostream& err;
  std::istream& in;
  bool err_is_terminal = false;  // print the live progress line
  bool in_is_terminal = false;   // stdin cannot hold targets
  const Clock& clock;
  InstanceCounterFactory instance_counters;      // empty: no instance counts
  const std::atomic<int>* interrupts = nullptr;  // Ctrl-C count: 1 = stop, 2 = abort
};

// `args` starts with "load".
int Run(const std::vector<std::string>& args, Environment& env);

// Production entry: real streams, isatty, SIGINT/SIGTERM handling.
int Main(const std::vector<std::string>& args, InstanceCounterFactory instance_counters);

}  // namespace ebb::load
