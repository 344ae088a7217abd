#include "tracing/spans.h"

#include <algorithm>

namespace ebb::tracing {

using nlohmann::json;

namespace {

// "ns/name" → {ns, name}.
std::pair<std::string_view, std::string_view> SplitKey(std::string_view key) {
  std::size_t slash = key.find('/');
  if (slash == std::string_view::npos) return {std::string_view(), key};
  return {key.substr(0, slash), key.substr(slash + 1)};
}

// An endpoint with an address: Zipkin wants ipv4 or ipv6 by family.
json Endpoint(std::string_view service, std::string_view ip, int port) {
  json ep = json::object();
  if (!service.empty()) ep["serviceName"] = service;
  if (!ip.empty() && ip != "unknown") {
    ep[ip.find(':') == std::string_view::npos ? "ipv4" : "ipv6"] = ip;
  }
  if (port > 0) ep["port"] = port;
  return ep;
}

json BaseSpan(const RequestRecord& r, std::string_view name, std::uint64_t id, std::uint64_t parent,
              std::int64_t offset_us, std::int64_t duration_us) {
  json span = {{"traceId", TraceIdHex(r.trace_id)}, {"id", SpanIdHex(id)}};
  if (parent != 0) span["parentId"] = SpanIdHex(parent);
  span["name"] = name;
  span["timestamp"] = r.start_us + offset_us;
  span["duration"] = std::max<std::int64_t>(duration_us, 1);  // Zipkin: at least 1 µs
  span["localEndpoint"] = {{"serviceName", kLocalServiceName}};
  if (r.debug) span["debug"] = true;
  return span;
}

json RevisionTags(const RequestRecord& r, const RevisionLabels* labels) {
  auto [ns, name] = SplitKey(r.revision);
  json tags = {{"revision", name}, {"namespace", ns}};
  if (labels && !labels->service.empty()) tags["service"] = labels->service;
  if (labels && !labels->configuration.empty()) tags["configuration"] = labels->configuration;
  return tags;
}

void AddHttpTags(const RequestRecord& r, int status, json& tags) {
  std::string_view target = r.target;
  tags["http.method"] = r.method;
  tags["http.path"] = target.substr(0, target.find('?'));
  tags["http.url"] = target;
  tags["http.host"] = r.host;
  if (status > 0) tags["http.status_code"] = std::to_string(status);
}

void AddError(int status, const std::string& why, json& tags) {
  if (status >= 500) {
    tags["error"] = std::to_string(status);
  } else if (status == 0) {
    tags["error"] = why.empty() ? "no response" : why;
  }
}

json ServerSpan(const RequestRecord& r, const RevisionLabels* labels) {
  json span = BaseSpan(r, kServerSpanName, r.server_id, r.parent_id, 0, r.duration_us);
  span["kind"] = "SERVER";
  if (json remote = Endpoint("", r.client_ip, 0); !remote.empty()) span["remoteEndpoint"] = remote;
  json tags = RevisionTags(r, labels);
  AddHttpTags(r, r.status, tags);
  AddError(r.status, r.error, tags);
  span["tags"] = std::move(tags);
  return span;
}

json WaitSpan(const RequestRecord& r, const RevisionLabels* labels) {
  json span =
      BaseSpan(r, kWaitSpanName, r.wait_id, r.server_id, r.wait_offset_us, r.wait_duration_us);
  json tags = RevisionTags(r, labels);
  if (!r.called) tags["error"] = r.error.empty() ? "no instance in time" : r.error;
  span["tags"] = std::move(tags);
  return span;
}

json ClientSpan(const RequestRecord& r, const RevisionLabels* labels) {
  json span =
      BaseSpan(r, kClientSpanName, r.call_id, r.server_id, r.call_offset_us, r.call_duration_us);
  span["kind"] = "CLIENT";
  auto [ns, name] = SplitKey(r.revision);
  span["remoteEndpoint"] = Endpoint(name, r.instance_ip, r.instance_port);
  json tags = RevisionTags(r, labels);
  AddHttpTags(r, r.call_status, tags);
  if (!r.instance.empty()) tags["instance"] = r.instance;
  AddError(r.call_status, r.error, tags);
  span["tags"] = std::move(tags);
  return span;
}

}  // namespace

RevisionLabels LabelsOf(const json& revision) {
  RevisionLabels labels;
  auto metadata = revision.find("metadata");
  if (metadata == revision.end() || !metadata->is_object()) return labels;
  auto found = metadata->find("labels");
  if (found == metadata->end() || !found->is_object()) return labels;
  auto text = [&](const char* key) {
    auto it = found->find(key);
    return it != found->end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  labels.service = text("serving.knative.dev/service");
  labels.configuration = text("serving.knative.dev/configuration");
  return labels;
}

void AppendZipkinSpans(const RequestRecord& record, const RevisionLabels* labels, json& spans) {
  spans.push_back(ServerSpan(record, labels));
  if (record.wait_id != 0) spans.push_back(WaitSpan(record, labels));
  if (record.called) spans.push_back(ClientSpan(record, labels));
}

}  // namespace ebb::tracing
