#include "registry/registry.h"

#include <random>

#include "api/codec.h"
#include "api/validation.h"

namespace ebb::registry {
namespace {

constexpr char kKeyRoot[] = "/kn/v1/";

std::string Prefix(api::Kind kind, std::string_view ns) {
  std::string p = kKeyRoot;
  p += api::Info(kind).plural;
  p += '/';
  if (!ns.empty()) {
    p += ns;
    p += '/';
  }
  return p;
}

// The stored bytes never carry resourceVersion: it is the store's mod_rev, set on read.
std::string Encode(const json& obj) {
  json copy = obj;
  if (auto m = copy.find("metadata"); m != copy.end() && m->is_object()) {
    m->erase("resourceVersion");
  }
  return copy.dump();
}

Result<json> Decode(const store::KV& kv) {
  json obj = json::parse(kv.value, nullptr, /*allow_exceptions=*/false);
  if (obj.is_discarded() || !obj.is_object()) {
    return Status(Code::kInternal, "stored object " + kv.key + " is not valid JSON");
  }
  obj["metadata"]["resourceVersion"] = std::to_string(kv.mod_rev);
  return obj;
}

std::string NewUid() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::uint64_t a = rng(), b = rng();
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", unsigned(a >> 32),
                unsigned((a >> 16) & 0xffff), unsigned(a & 0xffff), unsigned(b >> 48),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

std::string RandomSuffix() {
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  thread_local std::mt19937 rng(std::random_device{}());
  std::string s;
  for (int i = 0; i < 5; ++i) s += kAlphabet[rng() % (sizeof kAlphabet - 1)];
  return s;
}

bool Matches(const json& obj, const ListOptions& opts) {
  return opts.labels.Matches(obj) && opts.fields.Matches(obj);
}

bool IsOwnedBy(const json& obj, const std::string& uid) {
  const json& meta = obj.value("metadata", json::object());
  auto refs = meta.find("ownerReferences");
  if (uid.empty() || refs == meta.end() || !refs->is_array()) return false;
  for (const json& ref : *refs) {
    if (ref.is_object() && ref.value("uid", "") == uid) return true;
  }
  return false;
}

// apiVersion/kind must name this resource (filled in when absent); metadata must be an object;
// metadata.namespace must agree with the URL's (filled in when absent).
Status CheckTypeMeta(api::Kind kind, std::string_view ns, json& obj) {
  if (!obj.is_object()) return Status(Code::kBadRequest, "the request body must be an object");
  const api::KindInfo& info = api::Info(kind);
  if (!obj.contains("apiVersion")) obj["apiVersion"] = api::kApiVersion;
  if (!obj.contains("kind")) obj["kind"] = info.name;
  if (obj["apiVersion"] != api::kApiVersion || obj["kind"] != info.name) {
    return Status(Code::kBadRequest,
                  "the API version and kind in the data (" + obj["apiVersion"].dump() + ", " +
                      obj["kind"].dump() + ") do not match the resource " +
                      api::QualifiedResource(kind) + " (" + api::kApiVersion + ", " + info.name +
                      ")");
  }
  json& meta = obj["metadata"];
  if (meta.is_null()) meta = json::object();
  if (!meta.is_object()) return Status(Code::kBadRequest, "metadata must be an object");
  if (!meta.contains("namespace")) meta["namespace"] = std::string(ns);
  if (meta["namespace"] != ns) {
    return Status(Code::kBadRequest,
                  "the namespace of the provided object does not match the namespace sent on "
                  "the request");
  }
  return Status::Ok();
}

}  // namespace

Registry::Registry(store::Store& store, const config::Config& config, const Clock& clock)
    : store_(store), config_(config), clock_(clock) {}

std::string Registry::Key(api::Kind kind, std::string_view ns, std::string_view name) {
  return Prefix(kind, ns) + std::string(name);
}

Result<Registry::Stored> Registry::Load(api::Kind kind, std::string_view ns,
                                        std::string_view name) {
  auto kv = store_.Get(Key(kind, ns, name));
  if (!kv.ok()) return kv.status();
  if (!kv->has_value()) return NotFound(kind, name);
  auto obj = Decode(**kv);
  if (!obj.ok()) return obj.status();
  return Stored{std::move(*obj), (*kv)->mod_rev};
}

Result<json> Registry::Get(api::Kind kind, std::string_view ns, std::string_view name) {
  auto stored = Load(kind, ns, name);
  if (!stored.ok()) return stored.status();
  return std::move(stored->object);
}

Result<ObjectList> Registry::List(api::Kind kind, std::string_view ns, const ListOptions& opts) {
  auto page = store_.List(Prefix(kind, ns));
  if (!page.ok()) return page.status();
  ObjectList list;
  list.resource_version = std::to_string(page->rev);
  for (const auto& kv : page->items) {
    auto obj = Decode(kv);
    if (!obj.ok()) return obj.status();
    if (Matches(*obj, opts)) list.items.push_back(std::move(*obj));
  }
  return list;
}

Result<json> Registry::Create(api::Kind kind, std::string_view ns, json obj,
                              const WriteOptions& opts) {
  EBB_RETURN_IF_ERROR(CheckTypeMeta(kind, ns, obj));
  json& meta = obj["metadata"];
  if (meta.value("name", "").empty() && !meta.value("generateName", "").empty()) {
    meta["name"] = meta["generateName"].get<std::string>() + RandomSuffix();
  }
  meta.erase("resourceVersion");
  meta.erase("deletionTimestamp");
  meta["uid"] = NewUid();
  meta["creationTimestamp"] = FormatRfc3339(clock_.Now());
  meta["generation"] = 1;
  obj.erase("status");
  StampUser(kind, obj, opts.user, /*creating=*/true);
  api::SetDefaults(kind, obj, nullptr, config_);
  EBB_RETURN_IF_ERROR(CheckValid(kind, obj, nullptr));
  if (opts.dry_run) return obj;
  std::string name = meta.value("name", "");
  auto rev = store_.Put(Key(kind, ns, name), Encode(obj), store::kMustNotExist);
  if (!rev.ok()) return WriteError(kind, name, rev.status());
  obj["metadata"]["resourceVersion"] = std::to_string(*rev);
  return obj;
}

Result<json> Registry::Update(api::Kind kind, std::string_view ns, std::string_view name,
                              json obj, const WriteOptions& opts) {
  auto stored = Load(kind, ns, name);
  if (!stored.ok()) return stored.status();
  EBB_RETURN_IF_ERROR(CheckTypeMeta(kind, ns, obj));
  if (obj["metadata"].value("name", "") != name) {
    return Status(Code::kBadRequest, "the name of the object (" +
                                         obj["metadata"].value("name", "") +
                                         ") does not match the name on the URL (" +
                                         std::string(name) + ")");
  }
  EBB_RETURN_IF_ERROR(CheckResourceVersion(kind, name, obj, stored->object));
  return Replace(kind, ns, std::move(*stored), std::move(obj), opts);
}

Result<json> Registry::Replace(api::Kind kind, std::string_view ns, Stored current, json obj,
                               const WriteOptions& opts) {
  const json& old = current.object;
  json& meta = obj["metadata"];
  for (const char* field : {"uid", "creationTimestamp", "generation", "resourceVersion"}) {
    if (old["metadata"].contains(field)) meta[field] = old["metadata"][field];
  }
  if (old.contains("status")) {
    obj["status"] = old["status"];
  } else {
    obj.erase("status");
  }
  StampUser(kind, obj, opts.user, /*creating=*/false);
  api::SetDefaults(kind, obj, &old, config_);
  EBB_RETURN_IF_ERROR(CheckValid(kind, obj, &old));
  if (obj.value("spec", json()) != old.value("spec", json())) {
    meta["generation"] = old["metadata"].value("generation", 0) + 1;
  }
  if (obj == old) return obj;  // nothing changed: no write, same resourceVersion
  return Write(kind, ns, std::move(obj), current.mod_rev, opts);
}

Result<json> Registry::UpdateStatus(api::Kind kind, std::string_view ns, std::string_view name,
                                    json obj, const WriteOptions& opts) {
  auto stored = Load(kind, ns, name);
  if (!stored.ok()) return stored.status();
  EBB_RETURN_IF_ERROR(CheckResourceVersion(kind, name, obj, stored->object));
  json updated = stored->object;
  if (obj.contains("status")) {
    updated["status"] = std::move(obj["status"]);
  } else {
    updated.erase("status");
  }
  if (updated == stored->object) return updated;
  return Write(kind, ns, std::move(updated), stored->mod_rev, opts);
}

Result<json> Registry::Write(api::Kind kind, std::string_view ns, json obj, store::Rev expect,
                             const WriteOptions& opts) {
  if (opts.dry_run) return obj;
  std::string name = obj["metadata"].value("name", "");
  auto rev = store_.Put(Key(kind, ns, name), Encode(obj), expect);
  if (!rev.ok()) return WriteError(kind, name, rev.status());
  obj["metadata"]["resourceVersion"] = std::to_string(*rev);
  return obj;
}

Result<json> Registry::Patch(api::Kind kind, std::string_view ns, std::string_view name,
                             PatchType type, std::string_view body, const WriteOptions& opts,
                             bool* created) {
  if (created != nullptr) *created = false;
  auto patch = ParsePatchBody(type, body);
  if (!patch.ok()) return patch.status();
  auto stored = Load(kind, ns, name);
  if (!stored.ok() && stored.status().code() == Code::kNotFound && type == PatchType::kApply) {
    json obj = std::move(*patch);
    if (!obj.is_object()) return Status(Code::kBadRequest, "apply patch must be an object");
    if (obj["metadata"].value("name", std::string(name)) != name) {
      return Status(Code::kBadRequest, "the name of the object does not match the name on the URL");
    }
    obj["metadata"]["name"] = std::string(name);
    auto result = Create(kind, ns, std::move(obj), opts);
    if (result.ok() && created != nullptr) *created = true;
    return result;
  }
  if (!stored.ok()) return stored.status();
  auto patched = ApplyPatch(type, stored->object, *patch);
  if (!patched.ok()) return patched.status();
  EBB_RETURN_IF_ERROR(CheckTypeMeta(kind, ns, *patched));
  if ((*patched)["metadata"].value("name", "") != name) {
    return Status(Code::kBadRequest, "metadata.name cannot be changed by a patch");
  }
  // A resourceVersion in the patch is a precondition, as on Kubernetes.
  EBB_RETURN_IF_ERROR(CheckResourceVersion(kind, name, *patch, stored->object));
  return Replace(kind, ns, std::move(*stored), std::move(*patched), opts);
}

Result<json> Registry::Delete(api::Kind kind, std::string_view ns, std::string_view name,
                              const WriteOptions& opts) {
  auto stored = Load(kind, ns, name);
  if (!stored.ok()) return stored.status();
  if (opts.dry_run) return std::move(stored->object);
  auto rev = store_.Delete(Key(kind, ns, name), stored->mod_rev);
  if (!rev.ok()) return WriteError(kind, name, rev.status());
  std::string uid = stored->object["metadata"].value("uid", "");
  EBB_RETURN_IF_ERROR(DeleteDependents(ns, uid));
  return std::move(stored->object);
}

Status Registry::DeleteDependents(std::string_view ns, const std::string& owner_uid) {
  for (api::Kind kind : api::kAllKinds) {
    auto list = List(kind, ns, {});
    if (!list.ok()) return list.status();
    for (const json& obj : list->items) {
      if (!IsOwnedBy(obj, owner_uid)) continue;
      // Delete re-reads the object each time: a conflict means the controller wrote it in
      // between (it still reconciles the owner's last state), so try again on the new version.
      auto deleted = Delete(kind, ns, obj["metadata"].value("name", ""), {});
      for (int attempt = 0; attempt < 10 && !deleted.ok() &&
                            deleted.status().code() == Code::kConflict;
           ++attempt) {
        deleted = Delete(kind, ns, obj["metadata"].value("name", ""), {});
      }
      // Another deleter may have won the race; that is the outcome we wanted.
      if (!deleted.ok() && deleted.status().code() != Code::kNotFound) return deleted.status();
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<store::Watch>> Registry::Watch(
    api::Kind kind, std::string_view ns, const ListOptions& opts, std::string_view from,
    std::function<void(const WatchEvent&)> on_event) {
  store::Rev start = 0;
  if (from.empty() || from == "0") {
    auto list = List(kind, ns, opts);
    if (!list.ok()) return list.status();
    for (json& obj : list->items) on_event({WatchEvent::Type::kAdded, std::move(obj)});
    start = std::stoll(list->resource_version) + 1;
  } else {
    const std::string text(from);
    char* end = nullptr;
    start = std::strtoll(text.c_str(), &end, 10) + 1;
    if (end == nullptr || *end != '\0' || start <= 0) {
      return Status(Code::kBadRequest, "invalid resourceVersion \"" + std::string(from) + "\"");
    }
  }
  store::WatchCallbacks cb;
  cb.on_event = [opts, on_event = std::move(on_event)](const store::Event& ev) {
    auto obj = Decode(ev.kv);
    if (!obj.ok() || !Matches(*obj, opts)) return;
    WatchEvent::Type type = ev.type == store::Event::Type::kDelete ? WatchEvent::Type::kDeleted
                            : ev.kv.create_rev == ev.kv.mod_rev    ? WatchEvent::Type::kAdded
                                                                   : WatchEvent::Type::kModified;
    on_event({type, std::move(*obj)});
  };
  auto watch = store_.WatchPrefix(Prefix(kind, ns), start, std::move(cb));
  if (!watch.ok() && watch.status().code() == Code::kGone) {
    return Status(Code::kGone, "too old resource version: " + std::string(from) + " (" +
                                   std::to_string(store_.CompactedRev()) + ")");
  }
  return watch;
}

// --- helpers ---------------------------------------------------------------------------------

Status Registry::NotFound(api::Kind kind, std::string_view name) {
  return Status(Code::kNotFound,
                api::QualifiedResource(kind) + " \"" + std::string(name) + "\" not found");
}

Status Registry::WriteError(api::Kind kind, std::string_view name, const Status& st) {
  std::string res = api::QualifiedResource(kind) + " \"" + std::string(name) + "\"";
  switch (st.code()) {
    case Code::kAlreadyExists:
      return Status(Code::kAlreadyExists, res + " already exists");
    case Code::kConflict:
    case Code::kNotFound:
      // The object changed or vanished between our read and our write.
      return Status(Code::kConflict, "Operation cannot be fulfilled on " + res +
                                         ": the object has been modified; please apply your "
                                         "changes to the latest version and try again");
    default:
      return st;
  }
}

Status Registry::CheckResourceVersion(api::Kind kind, std::string_view name, const json& obj,
                                      const json& current) {
  auto m = obj.find("metadata");
  if (m == obj.end() || !m->is_object()) return Status::Ok();
  auto rv = m->find("resourceVersion");
  if (rv == m->end() || rv->is_null() || (rv->is_string() && rv->get<std::string>().empty())) {
    return Status::Ok();
  }
  if (*rv == current["metadata"]["resourceVersion"]) return Status::Ok();
  return WriteError(kind, name, Status(Code::kConflict, ""));
}

Status Registry::CheckValid(api::Kind kind, const json& obj, const json* old) const {
  std::vector<FieldError> errors = api::Validate(kind, obj, old, config_);
  if (errors.empty()) return Status::Ok();
  std::string msg = std::string(api::Info(kind).name) + "." + api::kGroup + " \"" +
                    obj["metadata"].value("name", "") + "\" is invalid: ";
  for (size_t i = 0; i < errors.size(); ++i) {
    if (i > 0) msg += ", ";
    msg += errors[i].field + ": " + errors[i].message;
  }
  return Status::Invalid(std::move(msg), std::move(errors));
}

void Registry::StampUser(api::Kind kind, json& obj, const std::string& user, bool creating) {
  if (user.empty() || kind == api::Kind::kRevision) return;
  json& ann = obj["metadata"]["annotations"];
  if (creating) ann["serving.knative.dev/creator"] = user;
  ann["serving.knative.dev/lastModifier"] = user;
}

Result<json> Registry::ParsePatchBody(PatchType type, std::string_view body) {
  if (type == PatchType::kApply) {
    auto docs = api::ParseManifests(body, "apply patch");
    if (!docs.ok()) return docs.status();
    if (docs->size() != 1) {
      return Status(Code::kBadRequest, "apply patch must hold exactly one object");
    }
    return std::move(docs->front());
  }
  return api::ParseJson(body);
}

Result<json> Registry::ApplyPatch(PatchType type, const json& current, const json& patch) {
  json result = current;
  switch (type) {
    case PatchType::kMerge:
      if (!patch.is_object()) return Status(Code::kBadRequest, "merge patch must be an object");
      result.merge_patch(patch);
      return result;
    case PatchType::kApply:
      // ebb keeps no managedFields: an apply merges the applied configuration into the object
      // (lists are replaced whole, as in a merge patch).
      result.merge_patch(patch);
      return result;
    case PatchType::kJson:
      try {
        return current.patch(patch);
      } catch (const json::exception& e) {
        return Status(Code::kInvalid, std::string("the JSON patch could not be applied: ") +
                                          e.what());
      }
  }
  return Status(Code::kInternal, "unknown patch type");
}

}  // namespace ebb::registry
