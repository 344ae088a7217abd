#include "load/rate.h"

#include <cctype>
#include <charconv>
#include <string>

namespace ebb::load {
namespace {

using Int128 = __int128;

Status BadRate(std::string_view text) {
  return Status(Code::kBadRequest, "invalid rate \"" + std::string(text) +
                                       "\" (use FREQ/DURATION such as 50/1s, 50/s or 50)");
}

}  // namespace

double Rate::PerSecond() const {
  if (unlimited() || per.count() <= 0) return 0;
  return static_cast<double>(freq) * 1e9 / static_cast<double>(per.count());
}

Result<Rate> ParseRate(std::string_view text) {
  if (text == "infinity") return Rate{0, std::chrono::seconds(1)};
  size_t slash = text.find('/');
  std::string_view freq_text = text.substr(0, slash);
  std::string per_text =
      slash == std::string_view::npos ? "1s" : std::string(text.substr(slash + 1));
  Rate rate;
  auto [end, ec] =
      std::from_chars(freq_text.data(), freq_text.data() + freq_text.size(), rate.freq);
  if (ec != std::errc() || end != freq_text.data() + freq_text.size() || rate.freq < 0) {
    return BadRate(text);
  }
  if (rate.freq == 0) return rate;
  // As Vegeta: a bare unit means one of it ("50/s" = "50/1s").
  if (!per_text.empty() && !std::isdigit(static_cast<unsigned char>(per_text[0]))) {
    per_text = "1" + per_text;
  }
  Result<Nanos> per = ParseGoDuration(per_text);
  if (!per.ok() || per->count() <= 0) return BadRate(text);
  rate.per = *per;
  return rate;
}

Nanos Pacer::SendOffset(std::uint64_t i) const {
  Int128 ns = static_cast<Int128>(i) * rate_.per.count() / rate_.freq;
  return Nanos(static_cast<std::int64_t>(ns));
}

std::uint64_t Pacer::HitsWithin(Nanos duration) const {
  if (duration.count() <= 0) return 0;
  // Hits i with i * per / freq < duration, i.e. i * per < duration * freq (exact rationals).
  Int128 limit = static_cast<Int128>(duration.count()) * rate_.freq;
  Int128 per = rate_.per.count();
  return static_cast<std::uint64_t>((limit + per - 1) / per);
}

std::uint64_t Pacer::HitsDueBy(Nanos elapsed) const {
  if (elapsed.count() < 0) return 0;
  // The largest i with floor(i * per / freq) <= elapsed, plus one.
  Int128 per = rate_.per.count();
  Int128 i = (static_cast<Int128>(elapsed.count() + 1) * rate_.freq + per - 1) / per;
  return static_cast<std::uint64_t>(i);
}

}  // namespace ebb::load
