#include "load/duration.h"

#include <array>
#include <cctype>
#include <limits>

namespace ebb::load {
namespace {

constexpr std::int64_t kMicro = 1'000;
constexpr std::int64_t kMilli = 1'000'000;
constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;

// Writes v / 10^prec's fraction digits before `w` (trailing zeros and a bare point omitted);
// returns the new start and v / 10^prec. Mirrors Go's fmtFrac.
std::pair<size_t, std::uint64_t> PutFraction(std::array<char, 40>& buf, size_t w, std::uint64_t v,
                                             int prec) {
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    int digit = static_cast<int>(v % 10);
    print = print || digit != 0;
    if (print) buf[--w] = static_cast<char>('0' + digit);
    v /= 10;
  }
  if (print) buf[--w] = '.';
  return {w, v};
}

size_t PutInteger(std::array<char, 40>& buf, size_t w, std::uint64_t v) {
  if (v == 0) {
    buf[--w] = '0';
    return w;
  }
  for (; v > 0; v /= 10) buf[--w] = static_cast<char>('0' + v % 10);
  return w;
}

size_t PutSubSecond(std::array<char, 40>& buf, size_t w, std::uint64_t u) {
  int prec = 0;
  buf[--w] = 's';
  if (u < static_cast<std::uint64_t>(kMicro)) {
    buf[--w] = 'n';
  } else if (u < static_cast<std::uint64_t>(kMilli)) {
    prec = 3;
    buf[--w] = '\xb5';  // "µ" in UTF-8: C2 B5
    buf[--w] = '\xc2';
  } else {
    prec = 6;
    buf[--w] = 'm';
  }
  auto [start, whole] = PutFraction(buf, w, u, prec);
  return PutInteger(buf, start, whole);
}

size_t PutSeconds(std::array<char, 40>& buf, size_t w, std::uint64_t u) {
  buf[--w] = 's';
  auto [start, seconds] = PutFraction(buf, w, u, 9);
  w = PutInteger(buf, start, seconds % 60);
  std::uint64_t minutes = seconds / 60;
  if (minutes == 0) return w;
  buf[--w] = 'm';
  w = PutInteger(buf, w, minutes % 60);
  std::uint64_t hours = minutes / 60;
  if (hours == 0) return w;
  buf[--w] = 'h';
  return PutInteger(buf, w, hours);
}

bool LessThanHalf(std::int64_t x, std::int64_t y) {
  return static_cast<std::uint64_t>(x) + static_cast<std::uint64_t>(x) <
         static_cast<std::uint64_t>(y);
}

// The unit at text[i...], advancing i; 0 when there is none.
std::int64_t ParseUnit(std::string_view text, size_t& i) {
  static constexpr std::pair<std::string_view, std::int64_t> kUnits[] = {
      {"ns", 1},      {"us", kMicro}, {"\xc2\xb5s", kMicro}, {"\xce\xbcs", kMicro},
      {"ms", kMilli}, {"s", kSecond}, {"m", kMinute},        {"h", kHour}};
  for (const auto& [name, value] : kUnits) {
    if (text.substr(i, name.size()) == name) {
      i += name.size();
      return value;
    }
  }
  return 0;
}

}  // namespace

std::string FormatGoDuration(Nanos d) {
  std::array<char, 40> buf{};
  std::int64_t n = d.count();
  bool negative = n < 0;
  std::uint64_t u = negative ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
  size_t w = buf.size();
  if (u == 0) return "0s";
  w = u < static_cast<std::uint64_t>(kSecond) ? PutSubSecond(buf, w, u) : PutSeconds(buf, w, u);
  if (negative) buf[--w] = '-';
  return std::string(buf.data() + w, buf.size() - w);
}

Nanos RoundGoDuration(Nanos d, Nanos multiple) {
  std::int64_t v = d.count(), m = multiple.count();
  if (m <= 0) return d;
  std::int64_t r = v % m;
  if (v < 0) {
    r = -r;
    if (LessThanHalf(r, m)) return Nanos(v + r);
    return v - m + r < v ? Nanos(v - m + r) : Nanos(std::numeric_limits<std::int64_t>::min());
  }
  if (LessThanHalf(r, m)) return Nanos(v - r);
  return v + m - r > v ? Nanos(v + m - r) : Nanos(std::numeric_limits<std::int64_t>::max());
}

Nanos RoundForReport(Nanos d) {
  static constexpr std::int64_t kUnits[] = {kHour, kMinute, kSecond, kMilli, kMicro, 1};
  for (size_t i = 0; i + 1 < std::size(kUnits); ++i) {
    if (d.count() >= kUnits[i]) return RoundGoDuration(d, Nanos(kUnits[i + 1]));
  }
  return d;
}

Result<Nanos> ParseGoDuration(std::string_view text) {
  const Status bad(Code::kBadRequest, "invalid duration \"" + std::string(text) +
                                          "\" (use e.g. 30s, 1m30s, 250ms, 100us)");
  size_t i = 0;
  bool negative = !text.empty() && text[0] == '-';
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) i = 1;
  if (text.substr(i) == "0") return Nanos(0);
  if (i == text.size()) return bad;
  std::int64_t total = 0;
  while (i < text.size()) {
    size_t start = i;
    std::int64_t whole = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (whole > std::numeric_limits<std::int64_t>::max() / 10) return bad;
      whole = whole * 10 + (text[i++] - '0');
    }
    long double fraction = 0, scale = 1;
    bool dot = i < text.size() && text[i] == '.';
    if (dot) ++i;
    while (dot && i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      scale *= 10;
      fraction += (text[i++] - '0') / scale;
    }
    if (i == start || (dot && i == start + 1)) return bad;  // no digits at all
    std::int64_t unit = ParseUnit(text, i);
    if (unit == 0) return bad;
    // As Go: the whole part exactly, the fraction truncated to whole nanoseconds.
    std::int64_t part = 0;
    if (__builtin_mul_overflow(whole, unit, &part)) return bad;
    part += static_cast<std::int64_t>(fraction * static_cast<long double>(unit));
    if (__builtin_add_overflow(total, part, &total)) return bad;
  }
  return Nanos(negative ? -total : total);
}

}  // namespace ebb::load
