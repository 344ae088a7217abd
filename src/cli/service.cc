#include "cli/service.h"

#include "cli/json_util.h"
#include "cli/merge_patch.h"
#include "cli/output.h"
#include "cli/server_error.h"
#include "cli/wait.h"

namespace ebb::cli {
namespace {

using nlohmann::json;

constexpr int kConflictRetries = 3;

int PrintError(std::ostream& err, const std::string& message) {
  err << "error: " << message << '\n';
  return 1;
}

int Finish(const ServiceWriteOptions& options, CommandContext& ctx, const ResourceType& type,
           const json& object, const std::string& outcome) {
  ctx.out << type.QualifiedSingular() << "/" << MetaString(object, "name") << " " << outcome
          << '\n';
  if (!options.wait) return 0;
  return WaitForReady(ctx, type, object, options.wait_timeout);
}

// --force: replace the existing Service with the manifest, keeping its resourceVersion.
int Replace(const ServiceWriteOptions& options, CommandContext& ctx, const ResourceType& type,
            json manifest) {
  const std::string name = MetaString(manifest, "name");
  Result<ApiResponse> current = ctx.client.Get(type, ctx.ns, name, false);
  if (!CheckResponse(current, ctx.err)) return 1;
  manifest["metadata"]["resourceVersion"] = MetaString(current->body, "resourceVersion");
  Result<ApiResponse> r = ctx.client.Replace(type, ctx.ns, name, manifest, false);
  if (!CheckResponse(r, ctx.err)) return 1;
  return Finish(options, ctx, type, r->body, "replaced");
}

}  // namespace

int RunServiceCreate(const ServiceFlags& flags, const ServiceWriteOptions& options,
                     CommandContext& ctx) {
  Result<json> manifest = BuildService(flags, ctx.ns);
  if (!manifest.ok()) return PrintError(ctx.err, manifest.status().message());
  const ResourceType type = KnativeType(api::Kind::kService);
  Result<ApiResponse> r = ctx.client.Create(type, ctx.ns, *manifest, false);
  if (r.ok() && r->code == 409 && Str(r->body, "reason") == "AlreadyExists") {
    if (options.force) return Replace(options, ctx, type, std::move(*manifest));
    CheckResponse(r, ctx.err);
    ctx.err << "Use 'ebb service update " << flags.name << "' to change it, or --force to "
            << "replace it.\n";
    return 1;
  }
  if (!CheckResponse(r, ctx.err)) return 1;
  return Finish(options, ctx, type, r->body, "created");
}

int RunServiceUpdate(const ServiceFlags& flags, const ServiceWriteOptions& options,
                     CommandContext& ctx) {
  const ResourceType type = KnativeType(api::Kind::kService);
  for (int attempt = 0;; ++attempt) {
    Result<ApiResponse> current = ctx.client.Get(type, ctx.ns, flags.name, false);
    if (!CheckResponse(current, ctx.err)) return 1;
    json updated = current->body;
    if (Status s = UpdateService(flags, updated); !s.ok()) return PrintError(ctx.err, s.message());
    json patch = CreateMergePatch(current->body, updated);
    if (patch.empty()) return Finish(options, ctx, type, current->body, "unchanged");
    patch["metadata"]["resourceVersion"] = MetaString(current->body, "resourceVersion");
    Result<ApiResponse> r = ctx.client.Patch(type, ctx.ns, flags.name, patch, false);
    if (r.ok() && r->code == 409 && attempt + 1 < kConflictRetries) continue;
    if (!CheckResponse(r, ctx.err)) return 1;
    return Finish(options, ctx, type, r->body, "updated");
  }
}

}  // namespace ebb::cli
