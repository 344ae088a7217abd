// Registry: Kubernetes object semantics on top of the Store, for the Knative kinds.
//
// This is what the API server's handlers and the controller call. It owns what the API server
// does to an object between the wire and the store: defaulting and validation (api/), metadata
// (uid, creationTimestamp, generation bumped on spec change, resourceVersion from the store's
// mod_rev), the status subresource (status is kept on spec writes and only written through
// UpdateStatus), patches (merge, JSON patch, apply), dry runs, owner-reference cascade on
// delete, and typed watch events. It knows nothing of HTTP.
//
// Keys: /kn/v1/<plural>/<namespace>/<name>. Values: the object JSON without
// metadata.resourceVersion (filled in from mod_rev on read).
//
// Thread-safety: all methods may be called from any thread (the Store serialises writes).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/kinds.h"
#include "api/selector.h"
#include "common/clock.h"
#include "common/status.h"
#include "config/config.h"
#include "store/store.h"

namespace ebb::registry {

using nlohmann::json;

struct ListOptions {
  api::LabelSelector labels;
  api::FieldSelector fields;
};

struct ObjectList {
  std::vector<json> items;      // ordered by namespace, then name
  std::string resource_version;  // store revision the list was read at
};

struct WriteOptions {
  bool dry_run = false;       // validate and return the result without storing
  std::string field_manager;  // recorded nowhere yet; accepted for kubectl
  std::string user;           // stamped into serving.knative.dev/creator|lastModifier
};

enum class PatchType { kMerge, kJson, kApply };

struct WatchEvent {
  enum class Type { kAdded, kModified, kDeleted };
  Type type;
  json object;  // with metadata.resourceVersion set to the event's revision
};

class Registry {
 public:
  Registry(store::Store& store, const config::Config& config, const Clock& clock);

  Result<json> Get(api::Kind kind, std::string_view ns, std::string_view name);
  // ns empty = all namespaces.
  Result<ObjectList> List(api::Kind kind, std::string_view ns, const ListOptions& opts);

  // POST: defaults, validates, assigns uid/creationTimestamp/generation 1, drops status.
  // kAlreadyExists, kInvalid (with causes), kBadRequest (kind/apiVersion/namespace mismatch).
  Result<json> Create(api::Kind kind, std::string_view ns, json obj, const WriteOptions& opts);
  // PUT: replaces spec/metadata (status kept). If obj carries metadata.resourceVersion it must
  // match (kConflict otherwise). generation is bumped when spec changed.
  Result<json> Update(api::Kind kind, std::string_view ns, std::string_view name, json obj,
                      const WriteOptions& opts);
  // Status subresource: replaces only .status. resourceVersion checked if present.
  Result<json> UpdateStatus(api::Kind kind, std::string_view ns, std::string_view name,
                            json obj, const WriteOptions& opts);
  // PATCH. kApply creates the object when missing (created = true). A patch that changes
  // nothing returns the stored object unchanged (no new resourceVersion).
  Result<json> Patch(api::Kind kind, std::string_view ns, std::string_view name, PatchType type,
                     std::string_view body, const WriteOptions& opts, bool* created = nullptr);
  // DELETE, then (background propagation) every object whose ownerReferences name its uid,
  // recursively. Returns the deleted object.
  Result<json> Delete(api::Kind kind, std::string_view ns, std::string_view name,
                      const WriteOptions& opts);

  // Watch from resource version `from` ("" or "0": synthetic ADDED for every current match, then
  // changes). kGone if too old. Callback runs on a store thread; see store::WatchCallbacks.
  Result<std::unique_ptr<store::Watch>> Watch(api::Kind kind, std::string_view ns,
                                              const ListOptions& opts, std::string_view from,
                                              std::function<void(const WatchEvent&)> on_event);

  static std::string Key(api::Kind kind, std::string_view ns, std::string_view name);

 private:
  struct Stored {
    json object;  // with metadata.resourceVersion
    store::Rev mod_rev;
  };
  Result<Stored> Load(api::Kind kind, std::string_view ns, std::string_view name);
  // Writes obj over `current` (PUT and PATCH): keeps identity metadata and status, defaults,
  // validates, bumps generation on a spec change; no write when nothing changed.
  Result<json> Replace(api::Kind kind, std::string_view ns, Stored current, json obj,
                       const WriteOptions& opts);
  Result<json> Write(api::Kind kind, std::string_view ns, json obj, store::Rev expect,
                     const WriteOptions& opts);
  Status DeleteDependents(std::string_view ns, const std::string& owner_uid);
  Status CheckValid(api::Kind kind, const json& obj, const json* old) const;

  static Status NotFound(api::Kind kind, std::string_view name);
  static Status WriteError(api::Kind kind, std::string_view name, const Status& st);
  static Status CheckResourceVersion(api::Kind kind, std::string_view name, const json& obj,
                                     const json& current);
  static void StampUser(api::Kind kind, json& obj, const std::string& user, bool creating);
  static Result<json> ParsePatchBody(PatchType type, std::string_view body);
  static Result<json> ApplyPatch(PatchType type, const json& current, const json& patch);

  store::Store& store_;
  const config::Config& config_;
  const Clock& clock_;
};

}  // namespace ebb::registry
