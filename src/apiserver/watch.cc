#include "apiserver/watch.h"

#include <charconv>

#include "api/table.h"

namespace ebb::apiserver {
namespace {

using nlohmann::json;

Result<std::chrono::seconds> TimeoutFrom(const Query& query) {
  std::string_view text = QueryValue(query, "timeoutSeconds");
  if (text.empty()) return kDefaultWatchTimeout;
  long long n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 0) {
    return Status(Code::kBadRequest, "timeoutSeconds: invalid value \"" + std::string(text) + "\"");
  }
  // 0 means "no client timeout" in Kubernetes; the server's own limit applies then.
  return n == 0 ? kDefaultWatchTimeout : std::chrono::seconds(n);
}

std::string Line(std::string_view type, json object) {
  json event = {{"type", type}, {"object", std::move(object)}};
  return event.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace

Result<WatchSpec> ParseWatch(const Request& req) {
  WatchSpec spec;
  spec.route = req.route;
  auto opts = ListOptionsFrom(req.query);
  if (!opts.ok()) return opts.status();
  auto timeout = TimeoutFrom(req.query);
  if (!timeout.ok()) return timeout.status();
  spec.opts = std::move(opts).value();
  spec.timeout = *timeout;
  spec.resource_version = std::string(QueryValue(req.query, "resourceVersion"));
  spec.format = NegotiateObject(req.accept);
  spec.include_full_object = IncludeFullObject(req.query);
  return spec;
}

std::string EventLine(const WatchSpec& spec, std::string_view type, const json& object,
                      Clock::time_point now) {
  if (spec.format != ObjectFormat::kTable) return Line(type, object);
  std::string rv = MetaString(object, "resourceVersion");
  const Route& r = spec.route;
  json table = r.endpoint == Endpoint::kCore
                   ? CoreTable(r.core, {object}, rv, now, spec.include_full_object)
                   : api::ToTable(r.kind, {object}, rv, now, spec.include_full_object);
  return Line(type, std::move(table));
}

std::string ErrorEventLine(const Status& status) { return Line("ERROR", FailureStatus(status)); }

const char* EventTypeName(registry::WatchEvent::Type type) {
  switch (type) {
    case registry::WatchEvent::Type::kAdded:
      return "ADDED";
    case registry::WatchEvent::Type::kModified:
      return "MODIFIED";
    case registry::WatchEvent::Type::kDeleted:
      return "DELETED";
  }
  return "ERROR";
}

CoreSnapshot MakeSnapshot(const std::vector<json>& items) {
  CoreSnapshot out;
  for (const json& obj : items) {
    out[MetaString(obj, "namespace") + "/" + MetaString(obj, "name")] = obj;
  }
  return out;
}

std::vector<CoreChange> DiffSnapshots(const CoreSnapshot& before, const CoreSnapshot& after) {
  std::vector<CoreChange> out;
  for (const auto& [key, obj] : after) {
    auto old = before.find(key);
    if (old == before.end()) {
      out.push_back({"ADDED", obj});
    } else if (old->second != obj) {
      out.push_back({"MODIFIED", obj});
    }
  }
  for (const auto& [key, obj] : before) {
    if (!after.count(key)) out.push_back({"DELETED", obj});
  }
  return out;
}

bool ReplaysCurrentObjects(std::string_view resource_version) {
  return resource_version.empty() || resource_version == "0";
}

}  // namespace ebb::apiserver
