// Knative's domain and tag templates are Go text/templates. ebb supports the part people use
// (literal text and {{.Field}}) and refuses the rest loudly instead of half-evaluating it.
#include <string>

#include "config/config.h"

namespace ebb::config {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

Result<std::string> ExpandTemplate(std::string_view templ,
                                   const std::map<std::string, std::string>& fields) {
  std::string out;
  size_t pos = 0;
  while (pos < templ.size()) {
    size_t open = templ.find("{{", pos);
    if (open == std::string_view::npos) {
      out.append(templ.substr(pos));
      break;
    }
    out.append(templ.substr(pos, open - pos));
    size_t close = templ.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return Status(Code::kInvalid, "unclosed action \"{{\" in template");
    }
    std::string_view action = Trim(templ.substr(open + 2, close - open - 2));
    if (action.size() < 2 || action[0] != '.') {
      return Status(Code::kInvalid, "unsupported template action {{" + std::string(action) +
                                        "}}: only {{.Field}} is supported");
    }
    auto it = fields.find(std::string(action.substr(1)));
    if (it == fields.end()) {
      return Status(Code::kInvalid, "unknown template field {{" + std::string(action) + "}}");
    }
    out += it->second;
    pos = close + 2;
  }
  return out;
}

}  // namespace ebb::config
