// The bits of Go's text formatting that Knative's request log template relies on, so that a
// line reads the same as the queue-proxy's: fmt's %v for float64 and the template escapers.
#include <charconv>
#include <cstdlib>

#include "tracing/request_log.h"

namespace ebb::tracing {

namespace {

constexpr char kUpperHex[] = "0123456789ABCDEF";

void AppendByteEscape(std::string_view prefix, unsigned char c, std::string& out) {
  out.append(prefix);
  out.push_back(kUpperHex[c >> 4]);
  out.push_back(kUpperHex[c & 0xf]);
}

// Go's strconv 'e' layout for shortest digits: d[.ddd]e±XX (two exponent digits at least).
void AppendExponentForm(std::string_view digits, int exp10, std::string& out) {
  out.push_back(digits[0]);
  if (digits.size() > 1) out.append(".").append(digits.substr(1));
  out.append(exp10 < 0 ? "e-" : "e+");
  int e = std::abs(exp10);
  if (e < 10) out.push_back('0');
  out.append(std::to_string(e));
}

// Go's strconv 'f' layout with exactly the digits there are (dp = digits before the point).
void AppendFixedForm(std::string_view digits, int dp, std::string& out) {
  const int nd = static_cast<int>(digits.size());
  if (dp <= 0) {
    out.push_back('0');
  } else {
    for (int i = 0; i < dp; ++i) out.push_back(i < nd ? digits[i] : '0');
  }
  if (nd <= dp) return;
  out.push_back('.');
  for (int i = dp; i < nd; ++i) out.push_back(i < 0 ? '0' : digits[i]);
}

}  // namespace

// fmt's %v for float64 is strconv.FormatFloat(v, 'g', -1, 64): the shortest digits that read
// back as v, in exponent form when the exponent is < -4 or >= 6 (the "shortest" rule of
// strconv's %g). std::to_chars gives the same shortest digits.
void AppendGoFloat(double v, std::string& out) {
  char buf[40];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  if (ec != std::errc()) return;
  std::string_view text(buf, static_cast<std::size_t>(end - buf));
  if (text.front() == '-') {
    out.push_back('-');
    text.remove_prefix(1);
  }
  std::size_t e = text.find('e');
  if (e == std::string_view::npos) {  // inf, nan
    out.append(text);
    return;
  }
  std::string digits;
  for (char c : text.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  int exp10 = 0;
  std::string_view exp_text = text.substr(e + 1);
  if (exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp10);
  if (exp10 < -4 || exp10 >= 6) {
    AppendExponentForm(digits, exp10, out);
  } else {
    AppendFixedForm(digits, exp10 + 1, out);
  }
}

void AppendJsEscaped(std::string_view s, std::string& out) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\\':
        out.append("\\\\");
        break;
      case '\'':
        out.append("\\'");
        break;
      case '"':
        out.append("\\\"");
        break;
      case '<':
        out.append("\\u003C");
        break;
      case '>':
        out.append("\\u003E");
        break;
      case '&':
        out.append("\\u0026");
        break;
      case '=':
        out.append("\\u003D");
        break;
      default:
        if (c < ' ') {
          AppendByteEscape("\\u00", c, out);
        } else {
          out.push_back(ch);
        }
    }
  }
}

void AppendHtmlEscaped(std::string_view s, std::string& out) {
  for (char c : s) {
    switch (c) {
      case '"':
        out.append("&#34;");
        break;
      case '\'':
        out.append("&#39;");
        break;
      case '&':
        out.append("&amp;");
        break;
      case '<':
        out.append("&lt;");
        break;
      case '>':
        out.append("&gt;");
        break;
      case '\0':
        out.append("\xEF\xBF\xBD");
        break;  // U+FFFD
      default:
        out.push_back(c);
    }
  }
}

void AppendQueryEscaped(std::string_view s, std::string& out) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out.push_back(ch);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      AppendByteEscape("%", c, out);
    }
  }
}

}  // namespace ebb::tracing
