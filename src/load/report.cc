#include "load/report.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "load/tabwriter.h"

namespace ebb::load {
namespace {

std::string Printf(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string Dur(Nanos d) { return FormatGoDuration(RoundForReport(d)); }

std::string Join(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

std::string LatencyLine(const LatencyMetrics& l) {
  return Join(
      {Dur(l.min), Dur(l.mean), Dur(l.p50), Dur(l.p90), Dur(l.p95), Dur(l.p99), Dur(l.max)});
}

// {"k":v,...} from already-encoded values, in the given order.
std::string Object(std::initializer_list<std::pair<const char*, std::string>> fields) {
  std::string out = "{";
  for (const auto& [key, value] : fields) {
    if (out.size() > 1) out += ',';
    out += GoJsonString(key) + ':' + value;
  }
  return out + '}';
}

std::string Int(std::int64_t v) { return std::to_string(v); }

std::string LatencyJson(const LatencyMetrics& l) {
  return Object({{"total", Int(l.total.count())},
                 {"mean", Int(l.mean.count())},
                 {"50th", Int(l.p50.count())},
                 {"90th", Int(l.p90.count())},
                 {"95th", Int(l.p95.count())},
                 {"99th", Int(l.p99.count())},
                 {"max", Int(l.max.count())},
                 {"min", Int(l.min.count())}});
}

std::string BucketsJson(const Histogram& h) {
  std::string out = "{";
  for (size_t i = 0; i < h.buckets.size(); ++i) {
    if (i > 0) out += ',';
    out += '"' + Int(h.buckets[i].count()) + "\":" + std::to_string(h.counts[i]);
  }
  return out + '}';
}

std::string BytesJson(const ByteMetrics& b) {
  return Object({{"total", std::to_string(b.total)}, {"mean", GoJsonFloat(b.mean)}});
}

std::string CodesJson(const Metrics& m) {
  std::string out = "{";
  for (const auto& [code, count] : m.status_codes) {
    if (out.size() > 1) out += ',';
    out += GoJsonString(code) + ':' + std::to_string(count);
  }
  return out + '}';
}

std::string ErrorsJson(const Metrics& m) {
  std::string out = "[";
  for (const std::string& e : m.errors) out += (out.size() > 1 ? "," : "") + GoJsonString(e);
  return out + ']';
}

std::string HistRow(const Histogram& h, size_t i) {
  double ratio = static_cast<double>(h.counts[i]) / static_cast<double>(h.total);
  std::string hi = i + 1 < h.buckets.size() ? FormatGoDuration(h.buckets[i + 1]) : "+Inf";
  std::string bar = std::isnan(ratio) ? "" : std::string(static_cast<size_t>(ratio * 75), '#');
  return "[" + FormatGoDuration(h.buckets[i]) + ",\t" + hi + "]\t" + std::to_string(h.counts[i]) +
         "\t" + (std::isnan(ratio) ? "NaN%" : Printf("%.2f%%", ratio * 100)) + "\t" + bar + "\n";
}

void AppendEscaped(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      break;
  }
  if (c < 0x20 || c == '<' || c == '>' || c == '&') {
    out += "\\u00";
    out += kHex[c >> 4];
    out += kHex[c & 15];
    return;
  }
  out += static_cast<char>(c);
}

}  // namespace

std::string TextReport(const Metrics& m) {
  std::string text;
  text += "Requests\t[total, rate, throughput]\t" + std::to_string(m.requests) + ", " +
          Printf("%.2f", m.rate) + ", " + Printf("%.2f", m.throughput) + "\n";
  text += "Duration\t[total, attack, wait]\t" +
          Join({Dur(m.duration + m.wait), Dur(m.duration), Dur(m.wait)}) + "\n";
  text += "Latencies\t[min, mean, 50, 90, 95, 99, max]\t" + LatencyLine(m.latencies) + "\n";
  text += "Bytes In\t[total, mean]\t" + std::to_string(m.bytes_in.total) + ", " +
          Printf("%.2f", m.bytes_in.mean) + "\n";
  text += "Bytes Out\t[total, mean]\t" + std::to_string(m.bytes_out.total) + ", " +
          Printf("%.2f", m.bytes_out.mean) + "\n";
  text += "Success\t[ratio]\t" + Printf("%.2f%%", m.success * 100) + "\n";
  text += "Status Codes\t[code:count]\t";
  for (const auto& [code, count] : m.status_codes)
    text += code + ":" + std::to_string(count) + "  ";
  text += "\nError Set:\n";
  for (const std::string& e : m.errors) text += e + "\n";
  return TabFormat(text);
}

std::string JsonReport(const Metrics& m, const Histogram* histogram,
                       std::optional<long> utc_offset_s) {
  std::string out = "{\"latencies\":" + LatencyJson(m.latencies);
  if (histogram != nullptr) out += ",\"buckets\":" + BucketsJson(*histogram);
  std::string rest = Object({
      {"bytes_in", BytesJson(m.bytes_in)},
      {"bytes_out", BytesJson(m.bytes_out)},
      {"earliest", GoJsonString(FormatRfc3339Nano(m.earliest_ns, utc_offset_s))},
      {"latest", GoJsonString(FormatRfc3339Nano(m.latest_ns, utc_offset_s))},
      {"end", GoJsonString(FormatRfc3339Nano(m.end_ns, utc_offset_s))},
      {"duration", Int(m.duration.count())},
      {"wait", Int(m.wait.count())},
      {"requests", std::to_string(m.requests)},
      {"rate", GoJsonFloat(m.rate)},
      {"throughput", GoJsonFloat(m.throughput)},
      {"success", GoJsonFloat(m.success)},
      {"status_codes", CodesJson(m)},
      {"errors", ErrorsJson(m)},
  });
  return out + "," + rest.substr(1) + "\n";
}

std::string HistReport(const Histogram& h) {
  std::string text = "Bucket\t\t#\t%\tHistogram\n";
  for (size_t i = 0; i < h.buckets.size(); ++i) text += HistRow(h, i);
  return TabFormat(text);
}

Result<std::vector<Nanos>> ParseBuckets(std::string_view text) {
  const Status bad(Code::kBadRequest, "bad buckets \"" + std::string(text) +
                                          "\" (want increasing durations like [0,1ms,10ms])");
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') return bad;
  text = text.substr(1, text.size() - 2);
  std::vector<Nanos> buckets;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    Result<Nanos> d = ParseGoDuration(item);
    if (!d.ok() || d->count() < 0) return bad;
    if (!buckets.empty() && *d <= buckets.back()) return bad;
    buckets.push_back(*d);
    text = comma == text.npos ? std::string_view() : text.substr(comma + 1);
  }
  if (buckets.empty()) return bad;
  return buckets;
}

Result<ReportType> ParseReportType(std::string_view type, std::string_view buckets) {
  ReportType out;
  if (type.substr(0, 4) == "hist") {
    out.kind = ReportType::kHist;
    Result<std::vector<Nanos>> parsed = ParseBuckets(type.size() > 4 ? type.substr(4) : buckets);
    if (!parsed.ok()) return parsed.status();
    out.buckets = std::move(*parsed);
    return out;
  }
  if (type != "text" && type != "json") {
    return Status(Code::kBadRequest, "unknown report type \"" + std::string(type) +
                                         "\" (want text, json or hist[BUCKETS])");
  }
  out.kind = type == "text" ? ReportType::kText : ReportType::kJson;
  if (!buckets.empty()) {
    Result<std::vector<Nanos>> parsed = ParseBuckets(buckets);
    if (!parsed.ok()) return parsed.status();
    out.buckets = std::move(*parsed);
  }
  return out;
}

std::string WriteReport(const ReportType& type, const ResultSet& results) {
  if (type.kind == ReportType::kHist) return HistReport(ComputeHistogram(results, type.buckets));
  Metrics metrics = ComputeMetrics(results);
  if (type.kind == ReportType::kText) return TextReport(metrics);
  if (type.buckets.empty()) return JsonReport(metrics, nullptr);
  Histogram histogram = ComputeHistogram(results, type.buckets);
  return JsonReport(metrics, &histogram);
}

std::string GoJsonFloat(double v) {
  if (!std::isfinite(v)) return "0";  // Go refuses to encode these; a report stays valid JSON
  double abs = std::fabs(v);
  bool exponent = abs != 0 && (abs < 1e-6 || abs >= 1e21);
  char buf[64];
  auto [end, ec] =
      std::to_chars(buf, buf + sizeof buf, v,
                    exponent ? std::chars_format::scientific : std::chars_format::fixed);
  std::string out(buf, end);
  // As Go: "1e-07" -> "1e-7".
  size_t n = out.size();
  if (exponent && n >= 4 && out[n - 4] == 'e' && out[n - 3] == '-' && out[n - 2] == '0') {
    out.erase(n - 2, 1);
  }
  return out;
}

std::string GoJsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) AppendEscaped(out, static_cast<unsigned char>(c));
  return out + '"';
}

std::string FormatRfc3339Nano(std::int64_t unix_ns, std::optional<long> utc_offset_s) {
  std::int64_t seconds = unix_ns >= 0 ? unix_ns / 1'000'000'000 : (unix_ns + 1) / 1'000'000'000 - 1;
  std::int64_t nanos = unix_ns - seconds * 1'000'000'000;
  auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  localtime_r(&t, &tm);
  long offset = utc_offset_s.value_or(tm.tm_gmtoff);
  std::time_t shifted = t + offset;
  gmtime_r(&shifted, &tm);
  char buf[80];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  if (nanos != 0) {
    std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(nanos));
    std::string frac = buf;
    while (frac.back() == '0') frac.pop_back();
    out += frac;
  }
  if (offset == 0) return out + "Z";
  long a = offset < 0 ? -offset : offset;
  std::snprintf(buf, sizeof buf, "%c%02ld:%02ld", offset < 0 ? '-' : '+', a / 3600, a / 60 % 60);
  return out + buf;
}

}  // namespace ebb::load
