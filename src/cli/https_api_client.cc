#include "cli/https_api_client.h"

#include <cctype>
#include <utility>
#include <vector>

#include "cli/json_util.h"

namespace ebb::cli {
namespace {

using nlohmann::json;
using Query = std::vector<std::pair<std::string, std::string>>;

constexpr char kJson[] = "application/json";

std::string WithQuery(std::string path, const Query& query) {
  char sep = '?';
  for (const auto& [key, value] : query) {
    path += sep + key + "=" + UrlEncode(value);
    sep = '&';
  }
  return path;
}

Query WriteQuery(bool dry_run) {
  Query query;
  if (dry_run) query.emplace_back("dryRun", "All");
  query.emplace_back("fieldManager", "ebb");
  return query;
}

Query ListQuery(const ListOptions& options) {
  Query query;
  if (!options.label_selector.empty()) query.emplace_back("labelSelector", options.label_selector);
  if (!options.field_selector.empty()) query.emplace_back("fieldSelector", options.field_selector);
  if (!options.resource_version.empty()) {
    query.emplace_back("resourceVersion", options.resource_version);
  }
  return query;
}

class NetLineSource final : public LineSource {
 public:
  explicit NetLineSource(std::unique_ptr<net::LineStream> stream) : stream_(std::move(stream)) {}
  int status() const override { return stream_->status(); }
  Result<std::optional<std::string>> NextLine(
      std::optional<std::chrono::milliseconds> idle_timeout) override {
    return stream_->NextLine(idle_timeout);
  }

 private:
  std::unique_ptr<net::LineStream> stream_;
};

class NetTransport final : public HttpTransport {
 public:
  explicit NetTransport(net::HttpsEndpoint endpoint) : endpoint_(std::move(endpoint)) {}
  Result<net::HttpResponse> Request(const HttpCall& c) override {
    return net::HttpsRequest(endpoint_, c.method, c.target, c.content_type, c.body, c.accept);
  }
  Result<std::unique_ptr<LineSource>> Stream(const HttpCall& c) override {
    auto stream = net::HttpsStream(endpoint_, c.method, c.target, c.content_type, c.body, c.accept);
    if (!stream.ok()) return stream.status();
    return std::unique_ptr<LineSource>(std::make_unique<NetLineSource>(std::move(*stream)));
  }

 private:
  net::HttpsEndpoint endpoint_;
};

// The rest of a non-2xx streamed answer, as one body.
std::string DrainBody(LineSource& stream) {
  std::string body;
  for (int i = 0; i < 1000; ++i) {
    Result<std::optional<std::string>> line = stream.NextLine(std::chrono::seconds(5));
    if (!line.ok() || !line->has_value()) break;
    body += **line + "\n";
  }
  return body;
}

}  // namespace

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string ResourcePath(const ResourceType& type, const std::string& ns, const std::string& name) {
  std::string path = type.PathPrefix();
  if (!ns.empty()) path += "/namespaces/" + UrlEncode(ns);
  path += "/" + type.plural;
  if (!name.empty()) path += "/" + UrlEncode(name);
  return path;
}

ApiResponse MakeApiResponse(int code, const std::string& body) {
  ApiResponse response;
  response.code = code;
  response.body = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (response.body.is_discarded()) {
    response.body = nullptr;
    response.raw = body;
  }
  return response;
}

std::unique_ptr<HttpTransport> MakeHttpsTransport(net::HttpsEndpoint endpoint) {
  return std::make_unique<NetTransport>(std::move(endpoint));
}

Result<ApiResponse> HttpsApiClient::Send(HttpCall call) {
  Result<net::HttpResponse> response = transport_->Request(call);
  if (!response.ok()) return response.status();
  return MakeApiResponse(response->status, response->body);
}

Result<ApiResponse> HttpsApiClient::Version() { return Send({"GET", "/version", "", "", kJson}); }

Result<ApiResponse> HttpsApiClient::Get(const ResourceType& type, const std::string& ns,
                                        const std::string& name, bool table) {
  return Send({"GET", ResourcePath(type, ns, name), "", "", table ? kTableAccept : kJson});
}

Result<ApiResponse> HttpsApiClient::List(const ResourceType& type, const std::string& ns,
                                         const ListOptions& options) {
  std::string target = WithQuery(ResourcePath(type, ns), ListQuery(options));
  return Send({"GET", target, "", "", options.table ? kTableAccept : kJson});
}

Result<ApiResponse> HttpsApiClient::Create(const ResourceType& type, const std::string& ns,
                                           const json& object, bool dry_run) {
  std::string target = WithQuery(ResourcePath(type, ns), WriteQuery(dry_run));
  return Send({"POST", target, kJson, object.dump(), kJson});
}

Result<ApiResponse> HttpsApiClient::Replace(const ResourceType& type, const std::string& ns,
                                            const std::string& name, const json& object,
                                            bool dry_run) {
  std::string target = WithQuery(ResourcePath(type, ns, name), WriteQuery(dry_run));
  return Send({"PUT", target, kJson, object.dump(), kJson});
}

Result<ApiResponse> HttpsApiClient::Apply(const ResourceType& type, const std::string& ns,
                                          const std::string& name, const json& manifest,
                                          bool dry_run) {
  Query query = WriteQuery(dry_run);
  query.emplace_back("force", "true");
  std::string target = WithQuery(ResourcePath(type, ns, name), query);
  // JSON is valid YAML, and it is what kubectl sends for server-side apply too.
  return Send({"PATCH", target, "application/apply-patch+yaml", manifest.dump(), kJson});
}

Result<ApiResponse> HttpsApiClient::Patch(const ResourceType& type, const std::string& ns,
                                          const std::string& name, const json& patch,
                                          bool dry_run) {
  std::string target = WithQuery(ResourcePath(type, ns, name), WriteQuery(dry_run));
  return Send({"PATCH", target, "application/merge-patch+json", patch.dump(), kJson});
}

Result<ApiResponse> HttpsApiClient::Delete(const ResourceType& type, const std::string& ns,
                                           const std::string& name) {
  return Send({"DELETE", ResourcePath(type, ns, name), kJson,
               R"({"propagationPolicy":"Background"})", kJson});
}

Result<ApiResponse> HttpsApiClient::Watch(const ResourceType& type, const std::string& ns,
                                          const ListOptions& options, Deadline deadline,
                                          const WatchHandler& handler) {
  Query query = ListQuery(options);
  query.emplace_back("watch", "true");
  std::string target = WithQuery(ResourcePath(type, ns), query);
  Result<std::unique_ptr<LineSource>> stream =
      transport_->Stream({"GET", target, "", "", options.table ? kTableAccept : kJson});
  if (!stream.ok()) return stream.status();
  LineSource& source = **stream;
  if (source.status() < 200 || source.status() >= 300) {
    return MakeApiResponse(source.status(), DrainBody(source));
  }
  return Consume(source, deadline, handler);
}

Result<ApiResponse> HttpsApiClient::PodLog(const std::string& ns, const std::string& pod,
                                           const LogOptions& options,
                                           const LineHandler& handler) {
  Query query;
  if (options.follow) query.emplace_back("follow", "true");
  if (options.tail_lines) query.emplace_back("tailLines", std::to_string(*options.tail_lines));
  std::string target = WithQuery(ResourcePath(PodType(), ns, pod) + "/log", query);
  Result<std::unique_ptr<LineSource>> stream = transport_->Stream({"GET", target, "", "", "*/*"});
  if (!stream.ok()) return stream.status();
  LineSource& source = **stream;
  if (source.status() < 200 || source.status() >= 300) {
    return MakeApiResponse(source.status(), DrainBody(source));
  }
  // A followed log may be silent for hours; a plain one is written at once.
  std::optional<std::chrono::milliseconds> idle;
  if (!options.follow) idle = std::chrono::seconds(30);
  while (true) {
    Result<std::optional<std::string>> line = source.NextLine(idle);
    if (!line.ok()) return line.status();
    if (!line->has_value() || !handler(**line)) return ApiResponse{200, nullptr, ""};
  }
}

Result<ApiResponse> HttpsApiClient::Consume(LineSource& stream, Deadline deadline,
                                            const WatchHandler& handler) {
  const Status timed_out(Code::kTimeout, "timed out waiting for watch events");
  while (true) {
    std::optional<std::chrono::milliseconds> idle;
    if (deadline) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - clock_.Steady());
      if (left.count() <= 0) return timed_out;
      idle = left;
    }
    Result<std::optional<std::string>> line = stream.NextLine(idle);
    if (!line.ok()) return line.status().code() == Code::kTimeout ? timed_out : line.status();
    if (!line->has_value()) return ApiResponse{200, nullptr, ""};
    if ((*line)->empty()) continue;
    json event = json::parse(**line, nullptr, false);
    if (!event.is_object() || !event.contains("type")) {
      return Status(Code::kInternal, "malformed watch event: " + **line);
    }
    std::string type = Str(event, "type");
    json object = Child(event, "object");
    if (type == "ERROR") {
      int code = static_cast<int>(Int(object, "code", 500));
      return ApiResponse{code, std::move(object), ""};
    }
    if (!handler(WatchEvent{type, std::move(object)})) return ApiResponse{200, nullptr, ""};
  }
}

}  // namespace ebb::cli
