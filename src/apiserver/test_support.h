// Test-only helpers for the apiserver tests: a temporary directory, a CoreSource the test
// controls, and a fixture running a real ApiServer (SQLite store + Registry) on 127.0.0.1:0
// with a client endpoint that trusts the generated CA. Nothing outside *_test.cc includes this.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "apiserver/apiserver.h"
#include "config/config.h"
#include "net/https_client.h"
#include "registry/registry.h"
#include "store/store.h"

namespace ebb::apiserver::test {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ebb-apiserver-XXXXXX").string();
    path_ = mkdtemp(tmpl.data()) != nullptr ? tmpl : "";
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Pods, events, a log and a gateway address set by the test thread, read by the server thread.
class FakeCoreSource : public CoreSource {
 public:
  void SetPods(std::vector<nlohmann::json> pods) {
    std::lock_guard lock(mu_);
    pods_ = std::move(pods);
  }
  void SetEvents(std::vector<nlohmann::json> events) {
    std::lock_guard lock(mu_);
    events_ = std::move(events);
  }
  void SetLog(std::string log) {
    std::lock_guard lock(mu_);
    log_ = std::move(log);
  }
  // The log grows (or ends, as when its pod goes away): followers are woken.
  void AppendLog(const std::string& more);
  void EndLog();
  // Followers alive now (they unregister when destroyed).
  int followers() {
    std::lock_guard lock(mu_);
    return static_cast<int>(wakes_.size());
  }
  void SetGateway(std::string ip, int port) {
    std::lock_guard lock(mu_);
    gateway_ip_ = std::move(ip);
    gateway_port_ = port;
  }

  std::vector<nlohmann::json> Pods(std::string_view ns) override {
    std::lock_guard lock(mu_);
    return InNamespace(pods_, ns);
  }
  std::vector<nlohmann::json> Events(std::string_view ns) override {
    std::lock_guard lock(mu_);
    return InNamespace(events_, ns);
  }
  Result<std::string> PodLog(std::string_view ns, std::string_view name,
                             std::optional<int> tail_lines) override;
  Result<std::unique_ptr<PodLogFollower>> FollowPodLog(std::string_view ns, std::string_view name,
                                                       std::optional<int> tail_lines,
                                                       std::function<void()> wake) override;
  // For the followers FollowPodLog hands out.
  PodLogFollower::Chunk ReadLog(size_t* offset);
  void Unfollow(int id);
  std::string GatewayIp() override {
    std::lock_guard lock(mu_);
    return gateway_ip_;
  }
  int GatewayPort() override {
    std::lock_guard lock(mu_);
    return gateway_port_;
  }

 private:
  static std::vector<nlohmann::json> InNamespace(const std::vector<nlohmann::json>& objs,
                                                 std::string_view ns);
  bool HasPodLocked(std::string_view ns, std::string_view name);
  size_t TailOffsetLocked(std::optional<int> tail_lines) const;
  void WakeLocked();
  std::mutex mu_;
  bool log_ended_ = false;
  int next_follower_ = 0;
  std::map<int, std::function<void()>> wakes_;
  std::vector<nlohmann::json> pods_, events_;
  std::string log_;
  std::string gateway_ip_;
  int gateway_port_ = 0;
};

// A Pod as the CoreSource provides them.
nlohmann::json MakePod(const std::string& ns, const std::string& name,
                       const std::map<std::string, std::string>& labels, bool ready);

// A valid Knative Service manifest.
nlohmann::json MakeService(const std::string& name, const std::string& image = "ghcr.io/x/y:1");

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // A request with the server's token, verifying its certificate against the generated CA.
  Result<net::HttpResponse> Call(std::string_view method, std::string_view target,
                                 std::string_view body = "",
                                 std::string_view content_type = "application/json",
                                 std::string_view accept = "application/json");
  // GET, expecting 200 and a JSON body (test failure otherwise).
  nlohmann::json GetJson(std::string_view target, std::string_view accept = "application/json");
  // POSTs `obj` to the namespace's services collection, expecting 201.
  nlohmann::json CreateService(const nlohmann::json& obj, const std::string& ns = "default");

  TempDir dir_;
  FakeClock clock_;  // never advanced while the server runs (the server thread reads it)
  config::Config config_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<registry::Registry> registry_;
  FakeCoreSource core_;
  std::unique_ptr<ApiServer> server_;
  net::HttpsEndpoint endpoint_;
};

}  // namespace ebb::apiserver::test
