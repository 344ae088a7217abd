#include "serving/startup_health.h"

#include "runtime/policy.h"

namespace ebb::serving {

bool StartupHealth::OnReady(const std::string& instance_id, Time now) {
  if (healthy_) return false;
  if (!socket_activated_) return BecomeHealthy();
  unsettled_.emplace(instance_id, now);
  return false;
}

bool StartupHealth::OnExited(const std::string& instance_id, const runtime::ExitInfo& exit) {
  bool was_unsettled = unsettled_.erase(instance_id) > 0;
  // A probed instance that dies before it is ready is reported by OnFailedToStart; only the
  // socket-activated ones, "ready" at spawn, need their exit read here. A stop we asked for
  // (scale-down) says nothing about the app.
  if (healthy_ || !was_unsettled || exit.expected) return false;
  return Fail(runtime::ExitCodeReason(exit.exit_code), runtime::ExitFailureMessage(exit));
}

bool StartupHealth::OnFailedToStart(const std::string& reason, const std::string& message) {
  if (healthy_) return false;
  return Fail(reason, message);
}

bool StartupHealth::OnTick(Time now) {
  if (healthy_) return false;
  for (const auto& [id, since] : unsettled_) {
    if (now - since >= settle_) return BecomeHealthy();
  }
  return false;
}

bool StartupHealth::BecomeHealthy() {
  healthy_ = true;
  reason_.clear();
  message_.clear();
  unsettled_.clear();
  return true;
}

bool StartupHealth::Fail(const std::string& reason, const std::string& message) {
  if (reason == reason_ && message == message_) return false;
  reason_ = reason;
  message_ = message;
  return true;
}

}  // namespace ebb::serving
