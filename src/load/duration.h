// Durations as Go prints and parses them, because `ebb load` speaks Vegeta's flags and report
// formats, which are Go's time.Duration String() and ParseDuration.
//
//   FormatGoDuration(1'234'567ns) == "1.234567ms"   FormatGoDuration(60.5s) == "1m0.5s"
//   FormatGoDuration(450us) == "450µs" (U+00B5)      FormatGoDuration(0) == "0s"
//   RoundForReport(d): Vegeta's text report rounds each duration to the next finer unit than its
//   largest (>= 1 h to minutes, >= 1 m to seconds, >= 1 s to ms, >= 1 ms to µs), half away
//   from zero as Go's Duration.Round.
//   ParseGoDuration("1m30.5s"), "250ms", "100us", "100µs", "0": kBadRequest on anything else.
// Pure functions; any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ebb::load {

using Nanos = std::chrono::nanoseconds;

std::string FormatGoDuration(Nanos d);
Nanos RoundGoDuration(Nanos d, Nanos multiple);  // Go's Duration.Round
Nanos RoundForReport(Nanos d);
Result<Nanos> ParseGoDuration(std::string_view text);

}  // namespace ebb::load
