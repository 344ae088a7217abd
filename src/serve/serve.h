// `ebb serve`: one process running the API server, the controller, the gateway and the runtime
// over one store in the data directory.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace ebb::serve {

struct Options {
  std::string data_dir;                   // default $XDG_DATA_HOME/ebb or ~/.local/share/ebb
  std::string listen = "127.0.0.1:8080";  // gateway
  std::string gateway_io = "auto";         // the gateway's event loops: auto, uring, epoll
  int gateway_busy_poll_us = 200;         // gateway::Options::busy_poll
  std::string api_listen = "127.0.0.1:6443";
  std::string admin_listen = "127.0.0.1:9090";
  std::string domain;                     // empty = from --config, else example.com
  std::string config_file;                // --config
  std::vector<std::string> apply_files;   // -f: manifests applied once at start
};

// Entry point for `ebb serve ARGS...` (argv[0] is "serve"). Returns the process exit code.
int Main(int argc, char** argv);

// Runs until SIGINT/SIGTERM. Errors at start-up are returned; a clean stop returns Ok.
Status Run(const Options& options);

// $XDG_DATA_HOME/ebb, else $HOME/.local/share/ebb.
std::string DefaultDataDir();

}  // namespace ebb::serve
