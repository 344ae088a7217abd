// The instance counts of an ebb service over an attack, for the plot: a thread that asks ebb's
// API every 500 ms how many pods the service has (desired: not being deleted) and how many of
// them are Ready.
//
// The API call itself is injected (InstanceCounter): the ebb CLI builds it from the kubeconfig
// (src/cli), tests use fakes. The service is named by --service or derived from the Host the
// requests carry: "name.namespace.domain[:port]" -> name in namespace.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/status.h"
#include "load/duration.h"

namespace ebb::load {

struct InstanceCount {
  int desired = 0;  // pods that are not being deleted
  int ready = 0;    // of those, the ones whose Ready condition is True
  bool operator==(const InstanceCount&) const = default;
};

// Counts the items of a Kubernetes PodList.
InstanceCount CountInstances(const nlohmann::json& pod_list);

struct ServiceRef {
  std::string name;
  std::string ns;  // "" when the host does not say
  bool operator==(const ServiceRef&) const = default;
};

// "hello.default.example.com:8080" -> {hello, default}; nullopt for IP addresses, "localhost"
// and other hosts with fewer than three labels.
std::optional<ServiceRef> ServiceFromHost(std::string_view host);

using InstanceCounter = std::function<Result<InstanceCount>()>;

struct InstanceSample {
  Nanos at{0};  // since the attack started
  InstanceCount count;
};

// Calls `counter` every `interval` on a thread of its own between Start and Stop. A failing
// call is skipped (the first error is kept for a warning).
class InstancePoller {
 public:
  InstancePoller(InstanceCounter counter, Nanos interval);
  ~InstancePoller();
  InstancePoller(const InstancePoller&) = delete;
  InstancePoller& operator=(const InstancePoller&) = delete;

  // `start`: the attack's start, which sample times are relative to.
  void Start(std::chrono::steady_clock::time_point start);
  void Stop();
  // After Stop.
  const std::vector<InstanceSample>& samples() const { return samples_; }
  const std::string& first_error() const { return first_error_; }

 private:
  void Loop(std::chrono::steady_clock::time_point start);

  InstanceCounter counter_;
  const Nanos interval_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;                    // guarded by mu_
  std::vector<InstanceSample> samples_;  // the poll thread's until Stop joins it
  std::string first_error_;              // likewise
};

// Instance samples as CSV: "seconds,desired,ready" then one line per sample.
std::string InstancesCsv(const std::vector<InstanceSample>& samples);

}  // namespace ebb::load
