// Typing of plain YAML scalars. ebb follows the YAML 1.2 core schema (what a person reading
// `port: 8080` or `enabled: true` expects) and writes anything a YAML 1.1 reader such as
// kubectl's go-yaml would type differently in quotes, so that ebb's output means the same thing
// to both.
#include <charconv>
#include <cmath>
#include <regex>

#include "api/codec_internal.h"

namespace ebb::api::internal {
namespace {

using nlohmann::json;

bool OneOf(std::string_view s, std::initializer_list<std::string_view> words) {
  for (std::string_view w : words) {
    if (s == w) return true;
  }
  return false;
}

// Integer of `digits` in `base`, or a double when it does not fit 64 bits.
json ParseInteger(std::string_view digits, int base, bool negative) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
  if (ec == std::errc::result_out_of_range) {
    double d = std::strtod(std::string(digits).c_str(), nullptr);
    return negative ? -d : d;
  }
  if (!negative) {
    if (v <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(v);
    return v;
  }
  if (v <= static_cast<std::uint64_t>(INT64_MAX) + 1) {
    return static_cast<std::int64_t>(0 - v);
  }
  return -static_cast<double>(v);
}

bool MatchesInt(const std::string& s) {
  static const std::regex kInt("[-+]?[0-9]+");
  return std::regex_match(s, kInt);
}

bool MatchesFloat(const std::string& s) {
  static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  return std::regex_match(s, kFloat);
}

}  // namespace

json ResolvePlainScalar(const std::string& text) {
  if (OneOf(text, {"", "~", "null", "Null", "NULL"})) return nullptr;
  if (OneOf(text, {"true", "True", "TRUE"})) return true;
  if (OneOf(text, {"false", "False", "FALSE"})) return false;
  if (MatchesInt(text)) {
    bool negative = text[0] == '-';
    size_t start = (text[0] == '-' || text[0] == '+') ? 1 : 0;
    return ParseInteger(std::string_view(text).substr(start), 10, negative);
  }
  static const std::regex kOctal("0o[0-7]+"), kHex("0x[0-9a-fA-F]+");
  if (std::regex_match(text, kOctal)) {
    return ParseInteger(std::string_view(text).substr(2), 8, false);
  }
  if (std::regex_match(text, kHex)) {
    return ParseInteger(std::string_view(text).substr(2), 16, false);
  }
  if (MatchesFloat(text)) {
    double d = std::strtod(text.c_str(), nullptr);
    if (std::isfinite(d)) return d;
  }
  return text;
}

bool PlainTextIsAmbiguous(std::string_view text) {
  std::string s(text);
  if (!ResolvePlainScalar(s).is_string()) return true;
  if (OneOf(text,
            {"y",    "Y",     "yes",   "Yes",   "YES",   "n",    "N",    "no",  "No",   "NO",
             "on",   "On",    "ON",    "off",   "Off",   "OFF",  "<<",   "=",   ".inf", ".Inf",
             ".INF", "-.inf", "-.Inf", "-.INF", "+.inf", ".nan", ".NaN", ".NAN"})) {
    return true;
  }
  // YAML 1.1 sexagesimal (190:20:30) and numbers with '_' separators (1_000).
  static const std::regex kYaml11Number(
      "[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?|"
      "[-+]?(0b[01_]+|0[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)|"
      "[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+][0-9]+)?");
  return std::regex_match(s, kYaml11Number);
}

}  // namespace ebb::api::internal
