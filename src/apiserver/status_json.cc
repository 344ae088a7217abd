#include "apiserver/status_json.h"

namespace ebb::apiserver {
namespace {

using nlohmann::json;

json Base(std::string_view status) {
  return json{
      {"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()}, {"status", status}};
}

json DetailsJson(const StatusDetails& d) {
  json out = json::object();
  if (!d.name.empty()) out["name"] = d.name;
  if (!d.group.empty()) out["group"] = d.group;
  if (!d.kind.empty()) out["kind"] = d.kind;
  if (!d.uid.empty()) out["uid"] = d.uid;
  return out;
}

json CausesJson(const std::vector<FieldError>& causes) {
  json out = json::array();
  for (const FieldError& c : causes) {
    out.push_back({{"reason", c.reason}, {"message", c.message}, {"field", c.field}});
  }
  return out;
}

}  // namespace

json FailureStatus(const Status& status, const StatusDetails& details) {
  json out = FailureStatus(status.HttpCode(), status.Reason(), status.message());
  json d = DetailsJson(details);
  if (status.code() == Code::kInvalid && !status.causes().empty()) {
    d["causes"] = CausesJson(status.causes());
  }
  if (!d.empty()) out["details"] = std::move(d);
  return out;
}

json FailureStatus(int http_code, std::string_view reason, std::string_view message) {
  json out = Base("Failure");
  out["message"] = message;
  out["reason"] = reason;
  out["code"] = http_code;
  return out;
}

json SuccessStatus(const StatusDetails& details) {
  json out = Base("Success");
  out["details"] = DetailsJson(details);
  return out;
}

StatusDetails KnativeDetails(api::Kind kind, std::string_view name, Code code) {
  const api::KindInfo& info = api::Info(kind);
  return {std::string(name), api::kGroup, code == Code::kInvalid ? info.name : info.plural, ""};
}

json PathNotFoundStatus() {
  json out = FailureStatus(404, "NotFound", "the server could not find the requested resource");
  out["details"] = json::object();
  return out;
}

}  // namespace ebb::apiserver
