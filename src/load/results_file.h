// Raw results on disk (`ebb load --output FILE`, read back by `ebb load report FILE`): one JSON
// object per line in Vegeta's JSON result encoding (`vegeta encode -to json`), so that Vegeta's
// own tools read them too:
//   {"attack":"","seq":0,"code":200,"timestamp":"2026-11-26T10:00:00.5Z","latency":1234567,
//    "bytes_out":0,"bytes_in":12,"error":"","body":null,"method":"GET",
//    "url":"http://127.0.0.1:8080/","headers":null}
// timestamp is the hit's scheduled send time; latency (ns) is measured from it.
// Pure (streams given by the caller); any thread.
#pragma once

#include <istream>
#include <optional>
#include <ostream>
#include <string>

#include "common/status.h"
#include "load/results.h"

namespace ebb::load {

void WriteResults(const ResultSet& results, std::ostream& out);
// Appends the results of `in` to `results`. kBadRequest naming the line on malformed input.
Status ReadResults(std::istream& in, ResultSet& results);

// Parses RFC 3339 with optional fractional seconds and a Z or ±hh:mm offset -> Unix ns.
std::optional<std::int64_t> ParseRfc3339Nano(const std::string& text);

}  // namespace ebb::load
