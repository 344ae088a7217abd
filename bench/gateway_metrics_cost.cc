// The gateway alone, as `ebb serve` runs it, with request metrics on or off, for
// bench/gateway_metrics_cost.sh to measure CPU per proxied request:
//
//   gateway_metrics_cost on|off BACKEND_HOST:PORT
//
// Routes hello.default.example.com to one instance at BACKEND, prints the gateway's address,
// and, like the serving plane, collects the load every second; with metrics on it also reads
// Gateway::Metrics() every second, as a Prometheus scrape at a 1 s interval would. Runs until
// SIGTERM or SIGINT. Built against an optimised build's libraries (see the .sh).
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "gateway/gateway.h"

namespace {

std::atomic<bool> stop{false};

void OnSignal(int) { stop = true; }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[1], "on") != 0 && std::strcmp(argv[1], "off") != 0)) {
    std::fprintf(stderr, "usage: %s on|off BACKEND_HOST:PORT\n", argv[0]);
    return 2;
  }
  const bool metrics = std::strcmp(argv[1], "on") == 0;
  std::string backend = argv[2];
  std::size_t colon = backend.rfind(':');
  ebb::gateway::Options options;
  options.listen = "127.0.0.1:0";
  options.metrics = metrics;
  auto started = ebb::gateway::Gateway::Start(options, {});
  if (!started.ok()) {
    std::fprintf(stderr, "%s\n", started.status().ToString().c_str());
    return 1;
  }
  auto gateway = std::move(started).value();
  auto routes = std::make_shared<ebb::gateway::RouteTable>();
  routes->revisions.push_back({"default/hello-00001"});
  routes->hosts["hello.default.example.com"] = {{"default/hello-00001", 100}};
  gateway->SetRoutes(routes);
  gateway->SetEndpoints("default/hello-00001",
                        {{"i1", backend.substr(0, colon), std::stoi(backend.substr(colon + 1))}});
  std::printf("%s\n", gateway->address().c_str());
  std::fflush(stdout);
  signal(SIGTERM, OnSignal);
  signal(SIGINT, OnSignal);
  while (!stop) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    gateway->Collect();
    if (metrics) gateway->Metrics();
  }
  gateway->Stop();
  return 0;
}
