// The flags of `ebb load` and what they turn into: the targets, the attack options, the service
// whose instances to poll, the plot's title. Pure (body and targets files are read through the
// given FileReader, stdin through the given stream); the CLI11 wiring is in load_command.cc.
#pragma once

#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "load/attack.h"
#include "load/load.h"
#include "load/targets.h"

namespace ebb::load {

struct LoadFlags {
  // Targets
  std::string url;       // positional
  std::string url_flag;  // --url
  std::string method = "GET";
  std::vector<std::string> headers;  // -H, repeatable
  std::string body_file;             // --body
  std::string body_string;           // --body-string
  std::string targets_file;          // --targets ("-" = stdin)
  // Load
  std::string rate = "50/1s";
  bool rate_given = false;
  std::string duration = "0";
  int concurrency = 0;      // -c
  long long requests = -1;  // -n; -1 = no limit
  int connections = 0;      // 0 = default
  std::string timeout = "30s";
  bool keepalive = true;
  int threads = 1;
  // Output
  std::string report = "text";
  std::string buckets;
  std::string output;     // raw results
  std::string plot;       // HTML
  std::string instances;  // CSV
  std::string title;
  // Instance counts
  std::string service;
  std::string ns;
  std::string kubeconfig;
  std::string data_dir;
};

// The targets the flags name. `in` is read when neither a URL nor --targets FILE is given (and
// it is not a terminal), or for --targets -.
Result<std::vector<Target>> BuildTargets(const LoadFlags& flags, std::istream& in,
                                         bool in_is_terminal, const FileReader& read_file);

Result<AttackOptions> ToAttackOptions(const LoadFlags& flags, std::vector<Target> targets);

// The service to poll (--service, else from the first target's Host), or nullopt.
std::optional<InstanceSource> InstanceSourceFor(const LoadFlags& flags,
                                                const std::vector<Target>& targets);

// "GET http://127.0.0.1:8080/ (Host: hello.default.example.com) at 50/1s for 30s".
std::string DescribeAttack(const LoadFlags& flags, const std::vector<Target>& targets);

}  // namespace ebb::load
