#include <string>

#include "dashboard/assets.h"

namespace ebb::dashboard {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// An inlined file must not close its own element early: "</script" inside a script (in a
// string, say) would end it, so it is written as "<\/script", which means the same in JS/CSS.
std::string EscapeClosing(std::string_view content, std::string_view closing) {
  std::string out(content);
  for (size_t pos = out.find(closing); pos != std::string::npos;
       pos = out.find(closing, pos + closing.size() + 1)) {
    out.insert(pos + 1, "\\");
  }
  return out;
}

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
}

}  // namespace

std::optional<std::string_view> FindAsset(std::string_view name) {
  for (const Asset& a : EmbeddedAssets()) {
    if (a.name == name) return a.content;
  }
  return std::nullopt;
}

std::string InlineAssets(std::string_view html, const std::vector<Asset>& assets) {
  std::string page(html);
  for (const Asset& a : assets) {
    std::string name(a.name);
    if (EndsWith(a.name, ".css")) {
      ReplaceAll(page, "<link rel=\"stylesheet\" href=\"" + name + "\">",
                 "<style>\n" + EscapeClosing(a.content, "</style") + "</style>");
    } else if (EndsWith(a.name, ".js")) {
      ReplaceAll(page, "<script src=\"" + name + "\"></script>",
                 "<script>\n" + EscapeClosing(a.content, "</script") + "</script>");
    }
  }
  return page;
}

const std::string& PageHtml() {
  static const std::string page = InlineAssets(
      FindAsset("index.html").value_or("<!doctype html><title>ebb</title>"), EmbeddedAssets());
  return page;
}

}  // namespace ebb::dashboard
