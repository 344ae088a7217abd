#include "load/instances.h"

#include <cctype>
#include <cstdio>

namespace ebb::load {
namespace {

std::string Str(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

bool IsReady(const nlohmann::json& pod) {
  const nlohmann::json* conditions = nullptr;
  if (pod.contains("status") && pod["status"].is_object() && pod["status"].contains("conditions")) {
    conditions = &pod["status"]["conditions"];
  }
  if (conditions == nullptr || !conditions->is_array()) return false;
  for (const nlohmann::json& c : *conditions) {
    if (c.is_object() && Str(c, "type") == "Ready") return Str(c, "status") == "True";
  }
  return false;
}

bool IsDeleting(const nlohmann::json& pod) {
  return pod.contains("metadata") && pod["metadata"].is_object() &&
         pod["metadata"].contains("deletionTimestamp") &&
         !pod["metadata"]["deletionTimestamp"].is_null();
}

bool LooksLikeIp(std::string_view host) {
  if (host.find(':') != host.npos) return true;  // IPv6 (a port was already cut off)
  for (char c : host) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') return false;
  }
  return true;
}

}  // namespace

InstanceCount CountInstances(const nlohmann::json& pod_list) {
  InstanceCount count;
  if (!pod_list.is_object() || !pod_list.contains("items") || !pod_list["items"].is_array()) {
    return count;
  }
  for (const nlohmann::json& pod : pod_list["items"]) {
    if (!pod.is_object() || IsDeleting(pod)) continue;
    ++count.desired;
    if (IsReady(pod)) ++count.ready;
  }
  return count;
}

std::optional<ServiceRef> ServiceFromHost(std::string_view host) {
  if (!host.empty() && host.front() == '[') return std::nullopt;
  size_t colon = host.rfind(':');
  if (colon != host.npos && host.find(':') == colon) host = host.substr(0, colon);
  if (host.empty() || LooksLikeIp(host)) return std::nullopt;
  size_t first = host.find('.');
  if (first == host.npos || first == 0) return std::nullopt;
  size_t second = host.find('.', first + 1);
  if (second == host.npos || second == first + 1) return std::nullopt;
  return ServiceRef{std::string(host.substr(0, first)),
                    std::string(host.substr(first + 1, second - first - 1))};
}

InstancePoller::InstancePoller(InstanceCounter counter, Nanos interval)
    : counter_(std::move(counter)), interval_(interval) {}

InstancePoller::~InstancePoller() { Stop(); }

void InstancePoller::Start(std::chrono::steady_clock::time_point start) {
  thread_ = std::thread([this, start] { Loop(start); });
}

void InstancePoller::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void InstancePoller::Loop(std::chrono::steady_clock::time_point start) {
  auto next = std::chrono::steady_clock::now();
  for (;;) {
    Result<InstanceCount> count = counter_();
    auto now = std::chrono::steady_clock::now();
    if (count.ok()) {
      samples_.push_back({std::chrono::duration_cast<Nanos>(now - start), *count});
    } else if (first_error_.empty()) {
      first_error_ = count.status().message();
    }
    next += interval_;
    std::unique_lock lock(mu_);
    if (cv_.wait_until(lock, next, [this] { return stop_; })) return;
  }
}

std::string InstancesCsv(const std::vector<InstanceSample>& samples) {
  std::string out = "seconds,desired,ready\n";
  char line[64];
  for (const InstanceSample& s : samples) {
    std::snprintf(line, sizeof line, "%.3f,%d,%d\n", static_cast<double>(s.at.count()) / 1e9,
                  s.count.desired, s.count.ready);
    out += line;
  }
  return out;
}

}  // namespace ebb::load
