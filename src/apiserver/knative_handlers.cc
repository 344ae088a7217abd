// serving.knative.dev/v1 objects: list/get (JSON or Table), create, replace, patch, delete,
// and the status subresource, all through the Registry (kubectl-compat.md §2.5-2.11).
#include <algorithm>
#include <cctype>

#include "api/codec.h"
#include "api/table.h"
#include "apiserver/handlers.h"

namespace ebb::apiserver {
namespace {

using nlohmann::json;

// The request's target object, and what every handler below needs to answer for it.
struct Call {
  const Request& req;
  HandlerContext& ctx;
  api::Kind kind;
  const std::string& ns;
  const std::string& name;
};

// Only errors about one object carry details, as on a real server.
Response Fail(const Call& c, const Status& status, std::string_view name) {
  switch (status.code()) {
    case Code::kNotFound:
    case Code::kAlreadyExists:
    case Code::kConflict:
    case Code::kInvalid:
      return ErrorResponse(status, KnativeDetails(c.kind, name, status.code()));
    default:
      return ErrorResponse(status);
  }
}

Response Fail(const Call& c, const Status& status) { return Fail(c, status, c.name); }

bool WantsTable(const Call& c) { return NegotiateObject(c.req.accept) == ObjectFormat::kTable; }

Response ObjectResponse(const Call& c, int status, const json& obj) {
  if (!WantsTable(c)) return JsonResponse(status, obj);
  std::string rv = MetaString(obj, "resourceVersion");
  json table = api::ToTable(c.kind, {obj}, rv, c.ctx.clock.Now(), IncludeFullObject(c.req.query));
  return JsonResponse(status, table, kTableType);
}

Result<registry::WriteOptions> WriteOptionsFrom(const Call& c) {
  registry::WriteOptions opts;
  std::string_view dry_run = QueryValue(c.req.query, "dryRun");
  if (!dry_run.empty() && dry_run != "All") {
    return Status(Code::kBadRequest, "dryRun: Unsupported value: \"" + std::string(dry_run) +
                                         "\": supported values: \"All\"");
  }
  opts.dry_run = !dry_run.empty();
  opts.field_manager = std::string(QueryValue(c.req.query, "fieldManager"));
  opts.user = c.ctx.user;
  return opts;
}

bool Blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char ch) { return std::isspace(ch); });
}

Result<json> ParseBody(const Request& req) {
  if (Blank(req.body)) return Status(Code::kBadRequest, "the request body is empty");
  if (!IsYamlContentType(req.content_type)) return api::ParseJson(req.body);
  auto docs = api::ParseManifests(req.body, "request body");
  if (!docs.ok()) return docs.status();
  if (docs->size() != 1) {
    return Status(Code::kBadRequest, "the request body must hold exactly one object");
  }
  return std::move(docs->front());
}

// The object's name must agree with the URL's (filled in when absent).
Status CheckName(const Call& c, json& obj) {
  if (!obj.is_object()) return Status(Code::kBadRequest, "the request body must be an object");
  json& meta = obj["metadata"];
  if (meta.is_null()) meta = json::object();
  if (!meta.is_object()) return Status(Code::kBadRequest, "metadata must be an object");
  if (!meta.contains("name")) meta["name"] = c.name;
  if (meta["name"] != c.name) {
    return Status(Code::kBadRequest, "the name of the object (" + meta["name"].dump() +
                                         ") does not match the name on the URL (" + c.name + ")");
  }
  return Status::Ok();
}

Response List(const Call& c) {
  auto opts = ListOptionsFrom(c.req.query);
  if (!opts.ok()) return ErrorResponse(opts.status());
  auto list = c.ctx.registry.List(c.kind, c.ns, *opts);
  if (!list.ok()) return Fail(c, list.status());
  if (WantsTable(c)) {
    return JsonResponse(200,
                        api::ToTable(c.kind, list->items, list->resource_version, c.ctx.clock.Now(),
                                     IncludeFullObject(c.req.query)),
                        kTableType);
  }
  return JsonResponse(200, {{"apiVersion", api::kApiVersion},
                            {"kind", api::Info(c.kind).list_kind},
                            {"metadata", {{"resourceVersion", list->resource_version}}},
                            {"items", std::move(list->items)}});
}

Response Create(const Call& c) {
  if (c.ns.empty()) return MethodNotAllowed();
  auto opts = WriteOptionsFrom(c);
  if (!opts.ok()) return ErrorResponse(opts.status());
  auto body = ParseBody(c.req);
  if (!body.ok()) return ErrorResponse(body.status());
  std::string name = MetaString(*body, "name");
  auto created = c.ctx.registry.Create(c.kind, c.ns, std::move(body).value(), *opts);
  if (!created.ok()) return Fail(c, created.status(), name);
  return ObjectResponse(c, 201, *created);
}

Response Replace(const Call& c, bool status_only) {
  auto opts = WriteOptionsFrom(c);
  if (!opts.ok()) return ErrorResponse(opts.status());
  auto body = ParseBody(c.req);
  if (!body.ok()) return ErrorResponse(body.status());
  if (Status s = CheckName(c, *body); !s.ok()) return ErrorResponse(s);
  auto& reg = c.ctx.registry;
  auto updated = status_only ? reg.UpdateStatus(c.kind, c.ns, c.name, std::move(*body), *opts)
                             : reg.Update(c.kind, c.ns, c.name, std::move(*body), *opts);
  if (!updated.ok()) return Fail(c, updated.status());
  return ObjectResponse(c, 200, *updated);
}

Response Patch(const Call& c) {
  auto type = PatchTypeOf(c.req.content_type);
  if (!type) return ErrorResponse(Status(Code::kUnsupportedMedia, kUnsupportedPatchMessage));
  auto opts = WriteOptionsFrom(c);
  if (!opts.ok()) return ErrorResponse(opts.status());
  bool created = false;
  auto patched = c.ctx.registry.Patch(c.kind, c.ns, c.name, *type, c.req.body, *opts, &created);
  if (!patched.ok()) return Fail(c, patched.status());
  return ObjectResponse(c, created ? 201 : 200, *patched);
}

// DeleteOptions in the body: dryRun ["All"] and propagationPolicy. The registry always cascades
// in the background; Foreground ends the same way (children gone), Orphan is not supported.
Status ApplyDeleteOptions(const Request& req, registry::WriteOptions& opts) {
  if (Blank(req.body)) return Status::Ok();
  auto body = api::ParseJson(req.body);
  if (!body.ok()) return body.status();
  if (!body->is_object()) return Status(Code::kBadRequest, "DeleteOptions must be an object");
  const json& dry = body->value("dryRun", json::array());
  if (dry.is_array() && std::find(dry.begin(), dry.end(), "All") != dry.end()) {
    opts.dry_run = true;
  }
  std::string policy = StringField(*body, "propagationPolicy");
  if (policy.empty()) policy = "Background";
  if (policy != "Background" && policy != "Foreground") {
    return Status(Code::kBadRequest, "propagationPolicy: Unsupported value: \"" + policy +
                                         "\": supported values: \"Background\", \"Foreground\"");
  }
  return Status::Ok();
}

Response DeleteOne(const Call& c) {
  auto opts = WriteOptionsFrom(c);
  if (!opts.ok()) return ErrorResponse(opts.status());
  if (Status s = ApplyDeleteOptions(c.req, *opts); !s.ok()) return ErrorResponse(s);
  auto deleted = c.ctx.registry.Delete(c.kind, c.ns, c.name, *opts);
  if (!deleted.ok()) return Fail(c, deleted.status());
  StatusDetails details = KnativeDetails(c.kind, c.name, Code::kOk);
  details.uid = MetaString(*deleted, "uid");
  return JsonResponse(200, SuccessStatus(details));
}

// DELETE on a collection: every object the selectors match (deletecollection).
Response DeleteAll(const Call& c) {
  auto list_opts = ListOptionsFrom(c.req.query);
  if (!list_opts.ok()) return ErrorResponse(list_opts.status());
  auto opts = WriteOptionsFrom(c);
  if (!opts.ok()) return ErrorResponse(opts.status());
  if (Status s = ApplyDeleteOptions(c.req, *opts); !s.ok()) return ErrorResponse(s);
  auto list = c.ctx.registry.List(c.kind, c.ns, *list_opts);
  if (!list.ok()) return Fail(c, list.status());
  json deleted = json::array();
  for (const json& obj : list->items) {
    std::string ns = MetaString(obj, "namespace"), name = MetaString(obj, "name");
    auto gone = c.ctx.registry.Delete(c.kind, ns, name, *opts);
    // An owner deleted earlier in this loop may already have taken this object with it.
    if (!gone.ok() && gone.status().code() != Code::kNotFound) return Fail(c, gone.status(), name);
    if (gone.ok()) deleted.push_back(std::move(gone).value());
  }
  return JsonResponse(200, {{"apiVersion", api::kApiVersion},
                            {"kind", api::Info(c.kind).list_kind},
                            {"metadata", {{"resourceVersion", list->resource_version}}},
                            {"items", std::move(deleted)}});
}

Response Collection(const Call& c) {
  if (c.req.method == "GET") return List(c);
  if (c.req.method == "POST") return Create(c);
  if (c.req.method == "DELETE") return DeleteAll(c);
  return MethodNotAllowed();
}

Response Object(const Call& c) {
  const std::string& m = c.req.method;
  if (m == "GET") {
    auto obj = c.ctx.registry.Get(c.kind, c.ns, c.name);
    return obj.ok() ? ObjectResponse(c, 200, *obj) : Fail(c, obj.status());
  }
  if (m == "PUT") return Replace(c, false);
  if (m == "PATCH") return Patch(c);
  if (m == "DELETE") return DeleteOne(c);
  return MethodNotAllowed();
}

Response StatusSubresource(const Call& c) {
  if (c.req.method == "PUT") return Replace(c, true);
  if (c.req.method != "GET") return MethodNotAllowed();
  auto obj = c.ctx.registry.Get(c.kind, c.ns, c.name);
  return obj.ok() ? ObjectResponse(c, 200, *obj) : Fail(c, obj.status());
}

}  // namespace

Response HandleKnative(const Request& req, HandlerContext& ctx) {
  const Route& r = req.route;
  Call c{req, ctx, r.kind, r.ns, r.name};
  if (r.name.empty()) return Collection(c);
  if (r.subresource == "status") return StatusSubresource(c);
  return Object(c);
}

}  // namespace ebb::apiserver
