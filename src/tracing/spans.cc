#include "tracing/spans.h"

#include <algorithm>

namespace ebb::tracing {

using nlohmann::json;

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence at the start of `s` (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0.
std::size_t Utf8Sequence(std::string_view s) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = byte(0);
  std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (n == 0 || c > 0xF4 || s.size() < n) return 0;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (c == 0xE0) low = 0xA0;
  if (c == 0xED) high = 0x9F;
  if (c == 0xF0) low = 0x90;
  if (c == 0xF4) high = 0x8F;
  if (byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < n; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return n;
}

// The members of one JSON object, written in order with the commas between them.
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string& out) : out_(out) { out_.push_back('{'); }
  void String(std::string_view key, std::string_view value) {
    Key(key);
    AppendJsonString(value, out_);
  }
  void Int(std::string_view key, std::int64_t value) {
    Key(key);
    out_.append(std::to_string(value));
  }
  void True(std::string_view key) {
    Key(key);
    out_.append("true");
  }
  ObjectWriter Object(std::string_view key) {
    Key(key);
    return ObjectWriter(out_);
  }
  void Close() { out_.push_back('}'); }

 private:
  void Key(std::string_view key) {
    if (!first_) out_.push_back(',');
    first_ = false;
    out_.push_back('"');
    out_.append(key);  // our own keys: nothing to escape
    out_.append("\":");
  }

  std::string& out_;
  bool first_ = true;
};

void HexMember(ObjectWriter& w, std::string_view key, std::uint64_t id) {
  std::string hex;
  AppendHex64(id, hex);
  w.String(key, hex);
}

// An endpoint with an address: Zipkin wants ipv4 or ipv6 by family.
void Endpoint(ObjectWriter&& ep, std::string_view service, std::string_view ip, int port) {
  if (!service.empty()) ep.String("serviceName", service);
  if (!ip.empty() && ip != "unknown") {
    ep.String(ip.find(':') == std::string_view::npos ? "ipv4" : "ipv6", ip);
  }
  if (port > 0) ep.Int("port", port);
  ep.Close();
}

// traceId, id, parentId, name, kind, timestamp, duration, localEndpoint, debug.
ObjectWriter BeginSpan(const RequestRecord& r, std::string_view name, const char* kind,
                       std::uint64_t id, std::uint64_t parent, std::int64_t offset_us,
                       std::int64_t duration_us, std::string& out) {
  ObjectWriter span(out);
  span.String("traceId", TraceIdHex(r.trace_id));
  HexMember(span, "id", id);
  if (parent != 0) HexMember(span, "parentId", parent);
  span.String("name", name);
  if (kind != nullptr) span.String("kind", kind);
  span.Int("timestamp", r.start_us + offset_us);
  span.Int("duration", std::max<std::int64_t>(duration_us, 1));  // Zipkin: at least 1 µs
  Endpoint(span.Object("localEndpoint"), kLocalServiceName, {}, 0);
  if (r.debug) span.True("debug");
  return span;
}

void RevisionTags(const RequestRecord& r, const RevisionLabels* labels, ObjectWriter& tags) {
  auto [ns, name] = SplitRevisionKey(r.revision);
  tags.String("revision", name);
  tags.String("namespace", ns);
  if (labels && !labels->service.empty()) tags.String("service", labels->service);
  if (labels && !labels->configuration.empty()) {
    tags.String("configuration", labels->configuration);
  }
}

void HttpTags(const RequestRecord& r, int status, ObjectWriter& tags) {
  std::string_view target = r.target;
  tags.String("http.method", r.method);
  tags.String("http.path", target.substr(0, target.find('?')));
  tags.String("http.url", target);
  tags.String("http.host", r.host);
  if (status > 0) tags.String("http.status_code", std::to_string(status));
}

void ErrorTag(int status, const std::string& why, ObjectWriter& tags) {
  if (status >= 500) {
    tags.String("error", std::to_string(status));
  } else if (status == 0) {
    tags.String("error", why.empty() ? "no response" : why);
  }
}

void ServerSpan(const RequestRecord& r, const RevisionLabels* labels, std::string& out) {
  ObjectWriter span =
      BeginSpan(r, kServerSpanName, "SERVER", r.server_id, r.parent_id, 0, r.duration_us, out);
  if (!r.client_ip.empty() && r.client_ip != "unknown") {
    Endpoint(span.Object("remoteEndpoint"), {}, r.client_ip, 0);
  }
  ObjectWriter tags = span.Object("tags");
  RevisionTags(r, labels, tags);
  HttpTags(r, r.status, tags);
  ErrorTag(r.status, r.error, tags);
  tags.Close();
  span.Close();
}

void WaitSpan(const RequestRecord& r, const RevisionLabels* labels, std::string& out) {
  ObjectWriter span = BeginSpan(r, kWaitSpanName, nullptr, r.wait_id, r.server_id, r.wait_offset_us,
                                r.wait_duration_us, out);
  ObjectWriter tags = span.Object("tags");
  RevisionTags(r, labels, tags);
  if (!r.called) tags.String("error", r.error.empty() ? "no instance in time" : r.error);
  tags.Close();
  span.Close();
}

void ClientSpan(const RequestRecord& r, const RevisionLabels* labels, std::string& out) {
  ObjectWriter span = BeginSpan(r, kClientSpanName, "CLIENT", r.call_id, r.server_id,
                                r.call_offset_us, r.call_duration_us, out);
  Endpoint(span.Object("remoteEndpoint"), SplitRevisionKey(r.revision).second, r.instance_ip,
           r.instance_port);
  ObjectWriter tags = span.Object("tags");
  RevisionTags(r, labels, tags);
  HttpTags(r, r.call_status, tags);
  if (!r.instance.empty()) tags.String("instance", r.instance);
  ErrorTag(r.call_status, r.error, tags);
  tags.Close();
  span.Close();
}

}  // namespace

std::pair<std::string_view, std::string_view> SplitRevisionKey(std::string_view key) {
  std::size_t slash = key.find('/');
  if (slash == std::string_view::npos) return {std::string_view(), key};
  return {key.substr(0, slash), key.substr(slash + 1)};
}

void AppendJsonString(std::string_view s, std::string& out) {
  out.push_back('"');
  while (!s.empty()) {
    auto c = static_cast<unsigned char>(s.front());
    std::size_t n = 1;
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      out.append("\\u00");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    } else if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if ((n = Utf8Sequence(s)) > 0) {
      out.append(s.substr(0, n));
    } else {
      out.append("\\ufffd");
      n = 1;
    }
    s.remove_prefix(n);
  }
  out.push_back('"');
}

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

int AppendZipkinSpans(const RequestRecord& record, const RevisionLabels* labels, std::string& out) {
  ServerSpan(record, labels, out);
  int count = 1;
  if (record.wait_id != 0) {
    out.push_back(',');
    WaitSpan(record, labels, out);
    ++count;
  }
  if (record.called) {
    out.push_back(',');
    ClientSpan(record, labels, out);
    ++count;
  }
  return count;
}

}  // namespace ebb::tracing
