// Go duration syntax, because Knative's ConfigMaps and annotations are read with
// time.ParseDuration and users copy values from Knative's docs.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "config/config.h"

namespace ebb::config {
namespace {

using std::chrono::nanoseconds;

constexpr std::int64_t kMaxNanos = std::numeric_limits<std::int64_t>::max();

// Nanoseconds per unit; 0 when `unit` is not a Go duration unit.
std::int64_t UnitNanos(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1'000;  // µ, μ
  if (unit == "ms") return 1'000'000;
  if (unit == "s") return 1'000'000'000;
  if (unit == "m") return 60'000'000'000;
  if (unit == "h") return 3'600'000'000'000;
  return 0;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// One "<number><unit>" component starting at text[*pos]; adds its value to *total.
bool ParseComponent(std::string_view text, size_t* pos, long double* total) {
  size_t i = *pos;
  long double whole = 0;
  size_t int_digits = 0;
  for (; i < text.size() && IsDigit(text[i]); ++i, ++int_digits) {
    whole = whole * 10 + (text[i] - '0');
  }
  long double frac = 0, scale = 1;
  size_t frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && IsDigit(text[i]); ++i, ++frac_digits) {
      frac = frac * 10 + (text[i] - '0');
      scale *= 10;
    }
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  size_t unit_start = i;
  while (i < text.size() && !IsDigit(text[i]) && text[i] != '.') ++i;
  std::int64_t unit = UnitNanos(text.substr(unit_start, i - unit_start));
  if (unit == 0) return false;
  *total += (whole + frac / scale) * static_cast<long double>(unit);
  *pos = i;
  return true;
}

}  // namespace

bool ParseGoDuration(std::string_view text, nanoseconds* out) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text == "0") {
    *out = nanoseconds(0);
    return true;
  }
  if (text.empty()) return false;
  long double total = 0;
  for (size_t pos = 0; pos < text.size();) {
    if (!ParseComponent(text, &pos, &total)) return false;
  }
  if (total > static_cast<long double>(kMaxNanos)) return false;
  auto nanos = static_cast<std::int64_t>(std::llround(total));
  *out = nanoseconds(negative ? -nanos : nanos);
  return true;
}

bool ParseDuration(std::string_view text, Seconds* out) {
  nanoseconds d;
  if (!ParseGoDuration(text, &d)) return false;
  if (d.count() % 1'000'000'000 != 0) return false;
  *out = std::chrono::duration_cast<Seconds>(d);
  return true;
}

namespace {

// Digits of v / 10^prec with the fraction's trailing zeros dropped ("1.5", "2").
std::string FixedPoint(std::uint64_t v, int prec) {
  std::uint64_t div = 1;
  for (int i = 0; i < prec; ++i) div *= 10;
  std::string out = std::to_string(v / div);
  std::string frac = std::to_string(v % div);
  frac.insert(0, static_cast<size_t>(prec) - frac.size(), '0');
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  if (!frac.empty()) out += "." + frac;
  return out;
}

std::string SubSecond(std::uint64_t ns) {
  if (ns < 1'000) return std::to_string(ns) + "ns";
  if (ns < 1'000'000) return FixedPoint(ns, 3) + "\xC2\xB5s";
  return FixedPoint(ns, 6) + "ms";
}

}  // namespace

std::string FormatGoDuration(nanoseconds d) {
  if (d.count() == 0) return "0s";
  std::string sign = d.count() < 0 ? "-" : "";
  // Negating through unsigned keeps INT64_MIN well defined.
  std::uint64_t ns = d.count() < 0 ? 0 - static_cast<std::uint64_t>(d.count())
                                   : static_cast<std::uint64_t>(d.count());
  if (ns < 1'000'000'000) return sign + SubSecond(ns);
  std::uint64_t secs = ns / 1'000'000'000;
  std::string seconds = FixedPoint(ns % 60'000'000'000, 9) + "s";
  if (secs < 60) return sign + seconds;
  std::uint64_t mins = secs / 60;
  if (mins < 60) return sign + std::to_string(mins) + "m" + seconds;
  return sign + std::to_string(mins / 60) + "h" + std::to_string(mins % 60) + "m" + seconds;
}

}  // namespace ebb::config
