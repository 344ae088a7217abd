#include "serve/serve.h"

#include <signal.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "api/codec.h"
#include "common/clock.h"
#include "common/file_limit.h"
#include "runtime/spawn.h"
#include "serve/server.h"

namespace ebb::serve {

std::string DefaultDataDir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::string(xdg) + "/ebb";
  }
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.local/share/ebb";
}

int Main(int argc, char** argv) {
  Options o;
  o.data_dir = DefaultDataDir();
  CLI::App app("Run the ebb server: gateway, API server, controller, autoscaler and runtime.",
               "ebb serve");
  app.add_option("--data-dir", o.data_dir, "Data directory (store, certificates, kubeconfig)")
      ->capture_default_str();
  app.add_option("--listen", o.listen, "Gateway address (HOST:PORT; port 0 = any free port)")
      ->capture_default_str();
  app.add_option("--gateway-io", o.gateway_io,
                 "Gateway event loop: io_uring where the kernel allows it (auto), or force "
                 "uring or epoll")
      ->check(CLI::IsMember({"auto", "uring", "epoll"}))
      ->capture_default_str();
  app.add_option("--gateway-busy-poll-us", o.gateway_busy_poll_us,
                 "Longest a gateway worker polls for an instance's answer before it sleeps, in "
                 "microseconds; the poll adapts below it to how fast instances answer (0 = never)")
      ->check(CLI::Range(0, 10'000))
      ->capture_default_str();
  app.add_option("--api-listen", o.api_listen, "API server address (HTTPS)")
      ->capture_default_str();
  app.add_option("--admin-listen", o.admin_listen, "Admin address: health, metrics, dashboard")
      ->capture_default_str();
  app.add_option("--domain", o.domain, "Domain of service URLs (default example.com)");
  app.add_option("--config", o.config_file,
                 "YAML with Knative config sections: autoscaler, defaults, domain, network, "
                 "observability, tracing, gc, deployment")
      ->check(CLI::ExistingFile);
  app.add_option("-f,--filename", o.apply_files, "Manifest file(s) to apply at start-up")
      ->check(CLI::ExistingPath);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  Status st = Run(o);
  if (!st.ok()) {
    std::cerr << "ebb serve: " << st.message() << "\n";
    return 1;
  }
  return 0;
}

namespace {

Result<config::Config> LoadConfig(const Options& o) {
  config::Config cfg;
  if (!o.config_file.empty()) {
    std::ifstream in(o.config_file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      return Status(Code::kBadRequest, "cannot read " + o.config_file);
    }
    auto parsed = config::ParseConfig(text);
    if (!parsed.ok()) {
      return Status(parsed.status().code(), o.config_file + ": " + parsed.status().ToString());
    }
    cfg = std::move(*parsed);
  }
  if (!o.domain.empty()) cfg.domain.domain = o.domain;
  return cfg;
}

Status MakeDataDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status(Code::kUnavailable, "cannot create data dir " + dir + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  return Status::Ok();
}

}  // namespace

Status Run(const Options& o) {
  // A gateway holds a descriptor per connection: raise the soft limit to the hard one, and give
  // the apps the limit ebb was started with.
  if (std::optional<rlimit> started_with = RaiseFileLimit()) {
    runtime::SetChildFileLimit(*started_with);
  }
  // Then, while nothing else is open: descriptors below 64 become the spawner's slots, so that
  // starting an instance does not copy (and close again) every connection the server holds.
  runtime::ReserveSpawnSlots();
  // Block the stop signals before any thread starts so that only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto cfg = LoadConfig(o);
  if (!cfg.ok()) return cfg.status();
  EBB_RETURN_IF_ERROR(MakeDataDir(o.data_dir));
  RealClock clock;
  Server server(o, *cfg, clock);
  EBB_RETURN_IF_ERROR(server.Start());
  for (const auto& file : o.apply_files) EBB_RETURN_IF_ERROR(server.ApplyFile(file));
  server.PrintWelcome(std::cout);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::cout << "ebb: " << (sig == SIGINT ? "interrupt" : "terminate") << ", stopping" << std::endl;
  server.Stop();
  return Status::Ok();
}

}  // namespace ebb::serve
