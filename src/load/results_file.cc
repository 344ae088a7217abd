#include "load/results_file.h"

#include <cctype>
#include <ctime>
#include <nlohmann/json.hpp>

#include "load/report.h"

namespace ebb::load {
namespace {

using json = nlohmann::json;

std::string ResultLine(const ResultSet& set, const HitResult& r) {
  const TargetInfo* t = r.target < set.targets.size() ? &set.targets[r.target] : nullptr;
  return "{\"attack\":\"\",\"seq\":" + std::to_string(r.seq) +
         ",\"code\":" + std::to_string(r.code) +
         ",\"timestamp\":" + GoJsonString(FormatRfc3339Nano(r.timestamp_ns)) +
         ",\"latency\":" + std::to_string(r.latency_ns) +
         ",\"bytes_out\":" + std::to_string(r.bytes_out) +
         ",\"bytes_in\":" + std::to_string(r.bytes_in) +
         ",\"error\":" + GoJsonString(set.ErrorText(r)) + ",\"body\":null" +
         ",\"method\":" + GoJsonString(t ? t->method : "") +
         ",\"url\":" + GoJsonString(t ? t->url : "") + ",\"headers\":null}\n";
}

std::uint16_t TargetId(ResultSet& set, const std::string& method, const std::string& url) {
  for (size_t i = 0; i < set.targets.size(); ++i) {
    if (set.targets[i].method == method && set.targets[i].url == url) {
      return static_cast<std::uint16_t>(i);
    }
  }
  set.targets.push_back({method, url});
  return static_cast<std::uint16_t>(set.targets.size() - 1);
}

template <typename T>
T Field(const json& object, const char* key, T fallback) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  return it->get<T>();
}

Status ParseLine(const std::string& line, size_t number, ResultSet& set) {
  const Status bad(Code::kBadRequest, "results line " + std::to_string(number) +
                                          ": not a result in Vegeta's JSON encoding");
  try {
    json j = json::parse(line);
    if (!j.is_object()) return bad;
    std::optional<std::int64_t> ts = ParseRfc3339Nano(Field<std::string>(j, "timestamp", ""));
    if (!ts) return bad;
    HitResult r;
    r.timestamp_ns = *ts;
    r.latency_ns = Field<std::int64_t>(j, "latency", 0);
    r.seq = Field<std::uint64_t>(j, "seq", 0);
    r.code = Field<std::uint16_t>(j, "code", 0);
    r.bytes_in = Field<std::uint32_t>(j, "bytes_in", 0);
    r.bytes_out = Field<std::uint32_t>(j, "bytes_out", 0);
    std::string error = Field<std::string>(j, "error", "");
    r.error = error.empty() ? 0 : set.InternError(error);
    r.target = TargetId(set, Field<std::string>(j, "method", ""), Field<std::string>(j, "url", ""));
    set.results.push_back(r);
    return Status::Ok();
  } catch (const json::exception&) {
    return bad;
  }
}

int Digits(const std::string& s, size_t at, size_t n) {
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

void WriteResults(const ResultSet& results, std::ostream& out) {
  for (const HitResult& r : results.results) out << ResultLine(results, r);
}

Status ReadResults(std::istream& in, ResultSet& results) {
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    EBB_RETURN_IF_ERROR(ParseLine(line, number, results));
  }
  return Status::Ok();
}

std::optional<std::int64_t> ParseRfc3339Nano(const std::string& s) {
  // 2006-01-02T15:04:05[.frac](Z|±hh:mm)
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = Digits(s, 0, 4) - 1900;
  tm.tm_mon = Digits(s, 5, 2) - 1;
  tm.tm_mday = Digits(s, 8, 2);
  tm.tm_hour = Digits(s, 11, 2);
  tm.tm_min = Digits(s, 14, 2);
  tm.tm_sec = Digits(s, 17, 2);
  if (tm.tm_year < 0 || tm.tm_mon < 0 || tm.tm_mday < 0 || tm.tm_hour < 0 || tm.tm_min < 0 ||
      tm.tm_sec < 0) {
    return std::nullopt;
  }
  size_t i = 19;
  std::int64_t nanos = 0;
  if (i < s.size() && s[i] == '.') {
    std::int64_t scale = 100'000'000;
    for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i, scale /= 10) {
      nanos += (s[i] - '0') * scale;
    }
  }
  long offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) {
    offset = 0;
  } else if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
    int h = Digits(s, i + 1, 2), m = Digits(s, i + 4, 2);
    if (h < 0 || m < 0) return std::nullopt;
    offset = (s[i] == '-' ? -1 : 1) * (h * 3600L + m * 60L);
  } else {
    return std::nullopt;
  }
  std::int64_t seconds = static_cast<std::int64_t>(timegm(&tm)) - offset;
  return seconds * 1'000'000'000 + nanos;
}

}  // namespace ebb::load
