#include "cli/logs.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "cli/json_util.h"
#include "cli/server_error.h"

namespace ebb::cli {
namespace {

// Whole lines from several threads, never interleaved.
class LinePrinter {
 public:
  LinePrinter(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}
  void Line(const std::string& prefix, const std::string& line) {
    std::lock_guard lock(mu_);
    out_ << prefix << line << '\n' << std::flush;
  }
  void Error(const std::string& message) {
    std::lock_guard lock(mu_);
    err_ << message << '\n' << std::flush;
  }

 private:
  std::mutex mu_;
  std::ostream& out_;
  std::ostream& err_;
};

const char* PodLabel(api::Kind kind) {
  switch (kind) {
    case api::Kind::kService:
      return "serving.knative.dev/service";
    case api::Kind::kConfiguration:
      return "serving.knative.dev/configuration";
    case api::Kind::kRevision:
      return "serving.knative.dev/revision";
    default:
      return nullptr;
  }
}

std::string Display(const NamedResource& r) { return r.type.singular + "/" + r.name; }

// Prints one pod's log (followed or not). A pod of an owner that went away before its log
// could be read is no failure: instances come and go.
bool PrintPod(const std::string& pod, const LogTarget& target, const LogsOptions& options,
              CommandContext& ctx, LinePrinter& printer) {
  std::string prefix = target.owner ? "[" + pod + "] " : "";
  LogOptions read{options.follow, options.tail};
  Result<ApiResponse> r = ctx.client.PodLog(ctx.ns, pod, read, [&](const std::string& line) {
    printer.Line(prefix, line);
    return true;
  });
  if (r.ok() && (r->ok() || (target.owner && r->code == 404))) return true;
  printer.Error(r.ok() ? FormatServerError(*r) : FormatTransportError(r.status()));
  return false;
}

// The followers of an owner's pods: one thread per pod, each started once.
class PodFollowers {
 public:
  PodFollowers(const LogTarget& target, const LogsOptions& options, CommandContext& ctx,
               LinePrinter& printer)
      : target_(target), options_(options), ctx_(ctx), printer_(printer) {}
  ~PodFollowers() { Join(); }

  void Add(const std::string& pod) {
    if (pod.empty() || !started_.insert(pod).second) return;
    threads_.emplace_back([this, pod] {
      if (!PrintPod(pod, target_, options_, ctx_, printer_)) failed_ = true;
    });
  }
  void Join() {
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }
  bool failed() const { return failed_; }

 private:
  const LogTarget& target_;
  const LogsOptions& options_;
  CommandContext& ctx_;
  LinePrinter& printer_;
  std::set<std::string> started_;
  std::vector<std::thread> threads_;
  std::atomic<bool> failed_ = false;
};

// Watches the owner's pods and follows each one that appears. The watch replays the current
// pods first (resourceVersion ""), so pods there now and pods started later are treated alike.
int FollowOwner(const LogTarget& target, const LogsOptions& options, CommandContext& ctx) {
  LinePrinter printer(ctx.out, ctx.err);
  PodFollowers followers(target, options, ctx, printer);
  ListOptions watch;
  watch.label_selector = target.selector;
  while (true) {
    auto started = std::chrono::steady_clock::now();
    Result<ApiResponse> end =
        ctx.client.Watch(PodType(), ctx.ns, watch, std::nullopt, [&](const WatchEvent& e) {
          if (e.type == "ADDED" || e.type == "MODIFIED") {
            followers.Add(Str(Child(e.object, "metadata"), "name"));
          }
          return true;
        });
    // The server closes a watch after its own timeout: watch again (not in a tight loop).
    if (end.ok() && end->ok()) {
      if (std::chrono::steady_clock::now() - started < std::chrono::seconds(1)) {
        std::this_thread::sleep_for(std::chrono::seconds(1));
      }
      continue;
    }
    // kTimeout: the watch's deadline passed; nothing new will be followed.
    if (!end.ok() && end.status().code() == Code::kTimeout) break;
    printer.Error(end.ok() ? FormatServerError(*end) : FormatTransportError(end.status()));
    followers.Join();
    return 1;
  }
  followers.Join();
  return followers.failed() ? 1 : 0;
}

Result<std::vector<std::string>> PodNames(const LogTarget& target, CommandContext& ctx) {
  ListOptions list;
  list.label_selector = target.selector;
  Result<ApiResponse> r = ctx.client.List(PodType(), ctx.ns, list);
  if (!CheckResponse(r, ctx.err)) return Status(Code::kUnavailable, "listing pods failed");
  std::vector<std::string> names;
  for (const auto& pod : Array(r->body, "items")) {
    names.push_back(Str(Child(pod, "metadata"), "name"));
  }
  std::sort(names.begin(), names.end());
  return names;
}

int RunOwner(const LogTarget& target, const LogsOptions& options, CommandContext& ctx) {
  const NamedResource& owner = *target.owner;
  Result<ApiResponse> found = ctx.client.Get(owner.type, ctx.ns, owner.name, false);
  if (!CheckResponse(found, ctx.err)) return 1;
  if (options.follow) return FollowOwner(target, options, ctx);
  Result<std::vector<std::string>> pods = PodNames(target, ctx);
  if (!pods.ok()) return 1;
  if (pods->empty()) {
    ctx.err << "No instances of " << Display(owner) << " are running (scaled to zero)\n";
    return 0;
  }
  LinePrinter printer(ctx.out, ctx.err);
  bool ok = true;
  for (const std::string& pod : *pods) ok = PrintPod(pod, target, options, ctx, printer) && ok;
  return ok ? 0 : 1;
}

}  // namespace

Result<LogTarget> ParseLogTarget(const std::string& text) {
  LogTarget target;
  if (text.empty()) {
    return Status(Code::kBadRequest, "a pod, ksvc/NAME, rev/NAME or config/NAME is required");
  }
  if (text.find('/') == std::string::npos) {
    target.pod = text;
    return target;
  }
  Result<std::vector<NamedResource>> named = ResolveNamedArgs({text});
  if (!named.ok()) return named.status();
  const NamedResource& r = named->front();
  if (!r.type.knative) {
    target.pod = r.name;
    return target;
  }
  const char* label = PodLabel(*r.type.knative);
  if (label == nullptr) {
    return Status(Code::kBadRequest, r.type.plural +
                                         " have no instances; ebb logs takes "
                                         "ksvc/NAME, config/NAME, rev/NAME or a pod");
  }
  target.owner = r;
  target.selector = std::string(label) + "=" + r.name;
  return target;
}

int RunLogs(const LogsOptions& options, CommandContext& ctx) {
  Result<LogTarget> target = ParseLogTarget(options.target);
  if (!target.ok()) {
    ctx.err << "error: " << target.status().message() << '\n';
    return 1;
  }
  if (target->owner) return RunOwner(*target, options, ctx);
  LinePrinter printer(ctx.out, ctx.err);
  return PrintPod(target->pod, *target, options, ctx, printer) ? 0 : 1;
}

}  // namespace ebb::cli
