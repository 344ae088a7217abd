#include "cli/apply.h"

#include "cli/manifests.h"
#include "cli/output.h"
#include "cli/server_error.h"
#include "cli/wait.h"

namespace ebb::cli {
namespace {

using nlohmann::json;

struct Applied {
  ResourceType type;
  json object;
};

// The object without the fields a no-op write may still touch.
json Comparable(json object) {
  if (object.is_object() && object.contains("metadata") && object["metadata"].is_object()) {
    for (const char* key : {"resourceVersion", "generation", "managedFields"}) {
      object["metadata"].erase(key);
    }
  }
  return object;
}

// What the GET before the apply found: the object, or nothing (404); `failed` when the GET
// failed otherwise (already printed).
struct Before {
  bool failed = false;
  std::optional<json> object;
};

Before ReadBefore(CommandContext& ctx, const Target& target, const std::string& source) {
  Result<ApiResponse> r = ctx.client.Get(target.type, target.ns, target.name, false);
  if (r.ok() && r->code == 404) return Before{};
  std::string context = "error when retrieving current configuration of \"" + source + "\"";
  if (!CheckResponse(r, ctx.err, context)) return Before{true, std::nullopt};
  return Before{false, std::move(r->body)};
}

class ApplyCommand {
 public:
  ApplyCommand(const ApplyOptions& options, CommandContext& ctx) : o_(options), ctx_(ctx) {}

  int Run() {
    Result<std::vector<Manifest>> manifests = ReadManifests(o_.files, ctx_.in);
    if (!manifests.ok()) return Error(manifests.status().message());
    if (manifests->empty()) return Error("no objects passed to apply");
    std::vector<Target> targets;
    for (const Manifest& manifest : *manifests) {
      Result<Target> target = ResolveTarget(manifest, ctx_.ns, ctx_.ns_explicit);
      if (!target.ok()) return Error(target.status().message());
      targets.push_back(std::move(*target));
    }
    for (size_t i = 0; i < targets.size(); ++i) ApplyOne((*manifests)[i], targets[i]);
    if (o_.wait && !o_.dry_run) {
      for (const Applied& a : applied_) {
        if (WaitForReady(ctx_, a.type, a.object, o_.wait_timeout) != 0) failed_ = true;
      }
    }
    return failed_ ? 1 : 0;
  }

 private:
  int Error(const std::string& message) {
    ctx_.err << "error: " << message << '\n';
    return 1;
  }

  void ApplyOne(const Manifest& manifest, const Target& target) {
    json object = manifest.object;
    object["metadata"]["namespace"] = target.ns;
    Before before = ReadBefore(ctx_, target, manifest.source);
    if (before.failed) {
      failed_ = true;
      return;
    }
    Result<ApiResponse> r =
        ctx_.client.Apply(target.type, target.ns, target.name, object, o_.dry_run);
    std::string verb = before.object ? "applying" : "creating";
    if (!CheckResponse(r, ctx_.err, "error when " + verb + " \"" + manifest.source + "\"")) {
      failed_ = true;
      return;
    }
    ctx_.out << target.type.QualifiedSingular() << "/" << target.name << " "
             << ApplyOutcome(before.object, *r, o_.dry_run)
             << (o_.dry_run ? " (server dry run)" : "") << '\n';
    applied_.push_back(Applied{target.type, std::move(r->body)});
  }

  const ApplyOptions& o_;
  CommandContext& ctx_;
  std::vector<Applied> applied_;
  bool failed_ = false;
};

}  // namespace

std::string ApplyOutcome(const std::optional<json>& before, const ApiResponse& response,
                         bool dry_run) {
  if (!before || response.code == 201) return "created";
  if (dry_run) {
    return Comparable(*before) == Comparable(response.body) ? "unchanged" : "configured";
  }
  std::string old_rv = MetaString(*before, "resourceVersion");
  return !old_rv.empty() && old_rv == MetaString(response.body, "resourceVersion") ? "unchanged"
                                                                                   : "configured";
}

int RunApply(const ApplyOptions& options, CommandContext& ctx) {
  return ApplyCommand(options, ctx).Run();
}

}  // namespace ebb::cli
