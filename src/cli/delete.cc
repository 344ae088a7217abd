#include "cli/delete.h"

#include "cli/manifests.h"
#include "cli/server_error.h"

namespace ebb::cli {
namespace {

int PrintError(std::ostream& err, const std::string& message) {
  err << "error: " << message << '\n';
  return 1;
}

// Deletes one object; false if that failed (printed).
bool DeleteOne(CommandContext& ctx, const ResourceType& type, const std::string& ns,
               const std::string& name, bool ignore_not_found, const std::string& context) {
  Result<ApiResponse> r = ctx.client.Delete(type, ns, name);
  if (r.ok() && r->code == 404 && ignore_not_found) return true;
  if (!CheckResponse(r, ctx.err, context)) return false;
  ctx.out << type.QualifiedSingular() << " \"" << name << "\" deleted\n";
  return true;
}

int DeleteFiles(const DeleteOptions& options, CommandContext& ctx) {
  Result<std::vector<Manifest>> manifests = ReadManifests(options.files, ctx.in);
  if (!manifests.ok()) return PrintError(ctx.err, manifests.status().message());
  if (manifests->empty()) return PrintError(ctx.err, "no objects passed to delete");
  std::vector<Target> targets;
  for (const Manifest& manifest : *manifests) {
    Result<Target> target = ResolveTarget(manifest, ctx.ns, ctx.ns_explicit);
    if (!target.ok()) return PrintError(ctx.err, target.status().message());
    targets.push_back(std::move(*target));
  }
  bool ok = true;
  for (size_t i = 0; i < targets.size(); ++i) {
    const Target& t = targets[i];
    std::string context = "error when deleting \"" + (*manifests)[i].source + "\"";
    ok = DeleteOne(ctx, t.type, t.ns, t.name, options.ignore_not_found, context) && ok;
  }
  return ok ? 0 : 1;
}

}  // namespace

int RunDelete(const DeleteOptions& options, CommandContext& ctx) {
  if (!options.files.empty()) {
    if (!options.args.empty()) {
      return PrintError(ctx.err, "resource names cannot be combined with -f");
    }
    return DeleteFiles(options, ctx);
  }
  if (options.args.empty()) {
    return PrintError(ctx.err, "You must provide one or more resources by argument or filename.");
  }
  Result<std::vector<NamedResource>> targets = ResolveNamedArgs(options.args);
  if (!targets.ok()) return PrintError(ctx.err, targets.status().message());
  bool ok = true;
  for (const NamedResource& t : *targets) {
    ok = DeleteOne(ctx, t.type, ctx.ns, t.name, options.ignore_not_found, "") && ok;
  }
  return ok ? 0 : 1;
}

}  // namespace ebb::cli
