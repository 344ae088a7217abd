// Manifests out: block YAML in the layout `kubectl -o yaml` prints (keys sorted, lists under a
// key not indented further, strings quoted only when they must be, multi-line strings as
// literal blocks).
#include <nlohmann/json.hpp>

#include "api/codec.h"
#include "api/codec_internal.h"

namespace ebb::api {
namespace {

using nlohmann::json;

bool IsPrintable(unsigned char c) { return c >= 0x20 && c != 0x7F; }

bool AllPrintable(std::string_view s, bool allow_newline) {
  for (unsigned char c : s) {
    if (!IsPrintable(c) && !(allow_newline && c == '\n')) return false;
  }
  return true;
}

// Whether `s` may be written without quotes (libyaml's plain-scalar rules, simplified to err on
// the side of quoting).
bool PlainAllowed(std::string_view s) {
  if (s.empty() || !AllPrintable(s, false) || internal::PlainTextIsAmbiguous(s)) return false;
  if (s.front() == ' ' || s.back() == ' ' || s.back() == ':') return false;
  if (std::string_view(",[]{}#&*!|>'\"%@`").find(s.front()) != std::string_view::npos) {
    return false;
  }
  bool indicator = s.front() == '-' || s.front() == '?' || s.front() == ':';
  if (indicator && (s.size() == 1 || s[1] == ' ')) return false;
  if (s.starts_with("---") || s.starts_with("...")) return false;
  return s.find(": ") == std::string_view::npos && s.find(" #") == std::string_view::npos;
}

// A literal block keeps the text exactly; it cannot start with a space or a newline here (that
// would need an indentation indicator) nor carry trailing spaces on a line.
bool LiteralAllowed(std::string_view s) {
  if (s.find('\n') == std::string_view::npos || !AllPrintable(s, true)) return false;
  if (s.front() == ' ' || s.front() == '\n') return false;
  if (s.find(" \n") != std::string_view::npos) return false;
  return s.find_first_not_of('\n') != std::string_view::npos;
}

std::string SingleQuoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string DoubleQuoted(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (IsPrintable(c) || c >= 0x80) {
          out += static_cast<char>(c);
        } else {
          out += std::string("\\x") + kHex[c >> 4] + kHex[c & 0xF];
        }
    }
  }
  return out + "\"";
}

// A string on one line (a key, or a value that is not a literal block).
std::string InlineString(std::string_view s) {
  if (PlainAllowed(s)) return std::string(s);
  if (internal::PlainTextIsAmbiguous(s) || !AllPrintable(s, false)) return DoubleQuoted(s);
  return SingleQuoted(s);
}

// "|", "|-" or "|+" and the lines of `s`, each indented by `indent` spaces.
std::string LiteralBlock(std::string_view s, int indent) {
  size_t trailing = s.size() - s.find_last_not_of('\n') - 1;
  std::string out = trailing == 0 ? "|-\n" : trailing == 1 ? "|\n" : "|+\n";
  std::string_view body = s.substr(0, s.size() - trailing);
  for (size_t start = 0; start <= body.size();) {
    size_t nl = body.find('\n', start);
    std::string_view line = body.substr(start, nl == std::string_view::npos ? nl : nl - start);
    if (!line.empty()) out += std::string(indent, ' ') + std::string(line);
    out += "\n";
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  for (size_t i = 1; i < trailing; ++i) out += "\n";
  return out;
}

// A scalar or an empty collection, ending with a newline; `indent` is for literal blocks.
std::string Leaf(const json& v, int indent) {
  switch (v.type()) {
    case json::value_t::null:
      return "null\n";
    case json::value_t::object:
      return "{}\n";
    case json::value_t::array:
      return "[]\n";
    case json::value_t::string: {
      const std::string& s = v.get_ref<const std::string&>();
      return LiteralAllowed(s) ? LiteralBlock(s, indent) : InlineString(s) + "\n";
    }
    default:
      return v.dump() + "\n";
  }
}

bool IsNested(const json& v) { return v.is_structured() && !v.empty(); }

void EmitSequence(const json& seq, int indent, bool inline_first, std::string* out);

// Map entries at column `indent`; when `inline_first` the first key continues the current line
// (after "- ").
void EmitMap(const json& map, int indent, bool inline_first, std::string* out) {
  bool first = true;
  for (const auto& [key, value] : map.items()) {
    if (!(first && inline_first)) *out += std::string(indent, ' ');
    first = false;
    *out += InlineString(key) + ":";
    if (value.is_object() && !value.empty()) {
      *out += "\n";
      EmitMap(value, indent + 2, false, out);
    } else if (value.is_array() && !value.empty()) {
      *out += "\n";
      EmitSequence(value, indent, false, out);  // kubectl does not indent lists under a key
    } else {
      *out += " " + Leaf(value, indent + 2);
    }
  }
}

void EmitSequence(const json& seq, int indent, bool inline_first, std::string* out) {
  bool first = true;
  for (const json& item : seq) {
    if (!(first && inline_first)) *out += std::string(indent, ' ');
    first = false;
    *out += "- ";
    if (item.is_object() && IsNested(item)) {
      EmitMap(item, indent + 2, true, out);
    } else if (item.is_array() && IsNested(item)) {
      EmitSequence(item, indent + 2, true, out);
    } else {
      *out += Leaf(item, indent + 2);
    }
  }
}

}  // namespace

std::string ToYaml(const json& value) {
  std::string out;
  if (value.is_object() && IsNested(value)) {
    EmitMap(value, 0, false, &out);
  } else if (value.is_array() && IsNested(value)) {
    EmitSequence(value, 0, false, &out);
  } else {
    out = Leaf(value, 2);
  }
  return out;
}

}  // namespace ebb::api
