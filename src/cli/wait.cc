#include "cli/wait.h"

#include <cstdio>

#include "cli/json_util.h"
#include "cli/output.h"
#include "cli/server_error.h"

namespace ebb::cli {
namespace {

using nlohmann::json;

const json* FindCondition(const json& conditions, std::string_view type) {
  for (const json& c : conditions) {
    if (Str(c, "type") == type) return &c;
  }
  return nullptr;
}

// What is being waited for: Ready's own message, else the first unsettled condition's.
std::string ProgressMessage(const json& conditions, const json& ready) {
  if (std::string message = Str(ready, "message"); !message.empty()) return message;
  for (const json& c : conditions) {
    if (Str(c, "status") != "True" && !Str(c, "message").empty()) return Str(c, "message");
  }
  return "";
}

class Waiter {
 public:
  Waiter(CommandContext& ctx, const ResourceType& type, const json& object,
         std::chrono::seconds timeout)
      : ctx_(ctx),
        type_(type),
        name_(MetaString(object, "name")),
        ns_(MetaString(object, "namespace").empty() ? ctx.ns : MetaString(object, "namespace")),
        timeout_(timeout),
        start_(ctx.clock.Steady()),
        deadline_(start_ + timeout) {
    Observe(object);
  }

  int Run() {
    while (state_.readiness == Readiness::kPending) {
      if (ctx_.clock.Steady() >= deadline_) return TimedOut();
      int rc = WatchOnce();
      if (rc >= 0) return rc;
    }
    return Finish();
  }

 private:
  std::string Name() const { return type_.QualifiedSingular() + "/" + name_; }

  void Observe(const json& object) {
    resource_version_ = MetaString(object, "resourceVersion");
    state_ = EvaluateReadiness(object);
    url_ = Str(Child(object, "status"), "url");
    if (state_.readiness == Readiness::kReady) state_.progress = "Ready to serve.";
    if (!state_.progress.empty() && state_.progress != last_progress_) {
      double elapsed = std::chrono::duration<double>(ctx_.clock.Steady() - start_).count();
      char prefix[32];
      std::snprintf(prefix, sizeof prefix, "%8.3fs ", elapsed);
      ctx_.out << prefix << state_.progress << '\n' << std::flush;
      last_progress_ = state_.progress;
    }
  }

  // One watch; -1 to go on waiting, else the exit code.
  int WatchOnce() {
    ListOptions options;
    options.field_selector = "metadata.name=" + name_;
    options.resource_version = resource_version_;
    bool deleted = false;
    Result<ApiResponse> end =
        ctx_.client.Watch(type_, ns_, options, deadline_, [&](const WatchEvent& event) {
          if (event.type == "DELETED") deleted = true;
          if (event.type == "ADDED" || event.type == "MODIFIED") Observe(event.object);
          return !deleted && state_.readiness == Readiness::kPending;
        });
    if (!end.ok() && end.status().code() == Code::kTimeout) return TimedOut();
    if (deleted) {
      ctx_.err << "error: " << Name() << " was deleted while waiting for it to become ready\n";
      return 1;
    }
    if (state_.readiness != Readiness::kPending) return -1;
    if (!end.ok() || (!end->ok() && end->code != 410)) {
      CheckResponse(end, ctx_.err);
      return 1;
    }
    // The server ended the stream, or our resourceVersion was too old (410 Expired): start
    // again from the object as it is now.
    Result<ApiResponse> fresh = ctx_.client.Get(type_, ns_, name_, false);
    if (!CheckResponse(fresh, ctx_.err)) return 1;
    Observe(fresh->body);
    return -1;
  }

  int TimedOut() {
    ctx_.err << "error: timed out after " << FormatDuration(timeout_) << " waiting for " << Name()
             << " to become ready\n";
    return 1;
  }

  int Finish() {
    if (state_.readiness == Readiness::kFailed) {
      ctx_.err << "error: " << Name() << " is not ready: " << state_.reason
               << (state_.message.empty() ? "" : ": " + state_.message) << '\n';
      return 1;
    }
    ctx_.out << Name() << " is ready" << (url_.empty() ? "" : " at " + url_) << '\n';
    return 0;
  }

  CommandContext& ctx_;
  const ResourceType& type_;
  std::string name_;
  std::string ns_;
  std::chrono::seconds timeout_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point deadline_;
  std::string resource_version_;
  std::string url_;
  ReadyState state_;
  std::string last_progress_;
};

}  // namespace

ReadyState EvaluateReadiness(const json& object) {
  ReadyState state;
  const json& status = Child(object, "status");
  // Until the controller has seen this generation, its conditions describe the old one.
  if (Int(status, "observedGeneration") < Int(Child(object, "metadata"), "generation")) {
    return state;
  }
  const json& conditions = Array(status, "conditions");
  const json* ready = FindCondition(conditions, "Ready");
  if (ready == nullptr) return state;
  std::string value = Str(*ready, "status");
  if (value == "True") {
    state.readiness = Readiness::kReady;
  } else if (value == "False") {
    state.readiness = Readiness::kFailed;
    state.reason = Str(*ready, "reason");
    state.message = Str(*ready, "message");
  } else {
    state.progress = ProgressMessage(conditions, *ready);
  }
  return state;
}

std::string FormatDuration(std::chrono::seconds d) {
  long long s = d.count();
  std::string out;
  if (s >= 3600) out += std::to_string(s / 3600) + "h";
  if (s >= 60) out += std::to_string(s / 60 % 60) + "m";
  return out + std::to_string(s % 60) + "s";
}

int WaitForReady(CommandContext& ctx, const ResourceType& type, const json& object,
                 std::chrono::seconds timeout) {
  return Waiter(ctx, type, object, timeout).Run();
}

}  // namespace ebb::cli
