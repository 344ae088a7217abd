// Vegeta's three report layouts, field by field (`vegeta report -type=text|json|hist[...]`,
// shared/reference/anchors.md §5), written from exact Metrics:
//
//   Requests      [total, rate, throughput]         300, 100.33, 100.32
//   Duration      [total, attack, wait]             2.99s, 2.99s, 1.202ms
//   Latencies     [min, mean, 50, 90, 95, 99, max]  804.36µs, 1.314ms, ...
//   Bytes In      [total, mean]                     3900, 13.00
//   Bytes Out     [total, mean]                     0, 0.00
//   Success       [ratio]                           100.00%
//   Status Codes  [code:count]                      200:300
//   Error Set:
//
// text: Go tabwriter layout (padding 2), durations rounded as RoundForReport and printed as Go
// does; status codes sorted as strings; one distinct error per line.
// json: one line, Vegeta's keys in Vegeta's order, durations in integer ns, timestamps
// RFC 3339 with nanoseconds in local time, numbers as Go's encoding/json writes them; with
// buckets, a "buckets" object (lower bound in ns -> count) after "latencies".
// hist: "Bucket  #  %  Histogram" then one row per bucket, bar = ratio * 75 '#'.
// Pure; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "load/results.h"

namespace ebb::load {

std::string TextReport(const Metrics& m);
std::string JsonReport(const Metrics& m, const Histogram* histogram,
                       std::optional<long> utc_offset_s = std::nullopt);
std::string HistReport(const Histogram& h);

// "[0,1ms,10ms,100ms]": increasing Go durations; kBadRequest otherwise.
Result<std::vector<Nanos>> ParseBuckets(std::string_view text);

struct ReportType {
  enum Kind { kText, kJson, kHist } kind = kText;
  std::vector<Nanos> buckets;  // hist (required) and json (optional)
};
// "text", "json", "hist[0,1ms,10ms]"; `buckets` ("" = none) adds buckets to json.
Result<ReportType> ParseReportType(std::string_view type, std::string_view buckets);

std::string WriteReport(const ReportType& type, const ResultSet& results);

// Numbers and strings as Go's encoding/json writes them (exposed for tests and other writers).
std::string GoJsonFloat(double v);
std::string GoJsonString(std::string_view s);
// RFC 3339 with nanoseconds, trailing zeros dropped, in local time ("Z" when UTC):
// 2015-09-19T14:45:50.645818631+02:00. `utc_offset_s` fixes the zone (tests); else local.
std::string FormatRfc3339Nano(std::int64_t unix_ns,
                              std::optional<long> utc_offset_s = std::nullopt);

}  // namespace ebb::load
