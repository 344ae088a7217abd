// Watch streams, the pure part: what a watch request asks for, how each event is rendered as a
// line of the chunked NDJSON response, and how a core-object watch (which polls the CoreSource)
// turns two snapshots into events (kubectl-compat.md §2.6). The streaming itself is in
// watch_stream.cc.
//
// Starting point: Knative watches pass resourceVersion to Registry::Watch ("" or "0": a
// synthetic ADDED for every current object first, N: changes after N; too old: one ERROR event
// with a 410 Expired Status). Core watches have no history: "" or "0" sends ADDED for every
// current object, any other value starts from the objects as they are now.
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "apiserver/handlers.h"

namespace ebb::apiserver {

// Without timeoutSeconds a watch lasts this long (a real API server picks 30-60 minutes).
inline constexpr std::chrono::seconds kDefaultWatchTimeout{1800};

struct WatchSpec {
  Route route;
  registry::ListOptions opts;
  std::string resource_version;
  ObjectFormat format = ObjectFormat::kJson;
  bool include_full_object = false;
  std::chrono::seconds timeout = kDefaultWatchTimeout;
};

// kBadRequest for bad selectors or timeoutSeconds.
Result<WatchSpec> ParseWatch(const Request& req);

// {"type":"<type>","object":<object, or a one-row Table of it>}\n
std::string EventLine(const WatchSpec& spec, std::string_view type, const nlohmann::json& object,
                      Clock::time_point now);
// {"type":"ERROR","object":<Status>}\n
std::string ErrorEventLine(const Status& status);

const char* EventTypeName(registry::WatchEvent::Type type);

// Core objects by "namespace/name".
using CoreSnapshot = std::map<std::string, nlohmann::json>;
CoreSnapshot MakeSnapshot(const std::vector<nlohmann::json>& items);

struct CoreChange {
  const char* type;  // "ADDED", "MODIFIED", "DELETED"
  nlohmann::json object;
};
// What changed from `before` to `after`: ADDED/MODIFIED in key order, then DELETED (with the
// last object seen).
std::vector<CoreChange> DiffSnapshots(const CoreSnapshot& before, const CoreSnapshot& after);

// Whether a watch from `resource_version` begins with ADDED for every current object.
bool ReplaysCurrentObjects(std::string_view resource_version);

}  // namespace ebb::apiserver
