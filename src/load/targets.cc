#include "load/targets.h"

#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

namespace ebb::load {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c <= ' ' || c >= 127 || std::string_view("()<>@,;:\\\"/[]?={}").find(c) != s.npos) {
      return false;
    }
  }
  return true;
}

Status LineError(size_t line, const std::string& what) {
  return Status(Code::kBadRequest, "targets line " + std::to_string(line) + ": " + what);
}

// "METHOD URL" -> a target with both set.
Result<Target> ParseRequestLine(std::string_view line, size_t number) {
  size_t space = line.find(' ');
  if (space == line.npos)
    return LineError(number, "want \"METHOD URL\", got \"" + std::string(line) + "\"");
  Target target;
  target.method = std::string(line.substr(0, space));
  target.url = std::string(Trim(line.substr(space + 1)));
  if (!IsToken(target.method)) return LineError(number, "bad method \"" + target.method + "\"");
  Result<Url> url = ParseUrl(target.url);
  if (!url.ok()) return LineError(number, url.status().message());
  return target;
}

// One line inside a target: a header or an @body file.
Status ParseTargetLine(std::string_view line, size_t number, const FileReader& read_file,
                       Target& target) {
  if (line[0] == '@') {
    Result<std::string> body = read_file(std::string(Trim(line.substr(1))));
    if (!body.ok()) return LineError(number, body.status().message());
    target.body = std::move(*body);
    return Status::Ok();
  }
  Result<Header> header = ParseHeader(line);
  if (!header.ok()) return LineError(number, header.status().message());
  target.headers.push_back(std::move(*header));
  return Status::Ok();
}

}  // namespace

Result<Url> ParseUrl(std::string_view url) {
  const std::string quoted = "\"" + std::string(url) + "\"";
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, 8) == "https://") {
    return Status(Code::kBadRequest, "https targets are not supported: " + quoted);
  }
  if (url.substr(0, kScheme.size()) != kScheme) {
    return Status(Code::kBadRequest, "want an http:// URL, got " + quoted);
  }
  std::string_view rest = url.substr(kScheme.size());
  size_t path_at = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_at);
  Url out;
  out.target = path_at == rest.npos ? "/" : std::string(rest.substr(path_at));
  if (out.target[0] == '?') out.target = "/" + out.target;
  std::string_view port_text;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == authority.npos) return Status(Code::kBadRequest, "bad IPv6 host in " + quoted);
    out.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return Status(Code::kBadRequest, "bad host in " + quoted);
      port_text = authority.substr(close + 2);
    }
  } else {
    size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != authority.npos) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty() || out.host.find('@') != std::string::npos) {
    return Status(Code::kBadRequest, "no host in " + quoted);
  }
  if (!port_text.empty()) {
    auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), out.port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || out.port <= 0 ||
        out.port > 65535) {
      return Status(Code::kBadRequest, "bad port in " + quoted);
    }
  }
  return out;
}

Result<Header> ParseHeader(std::string_view line) {
  size_t colon = line.find(':');
  if (colon == line.npos) {
    return Status(Code::kBadRequest, "header \"" + std::string(line) + "\" has no colon");
  }
  Header header{std::string(Trim(line.substr(0, colon))),
                std::string(Trim(line.substr(colon + 1)))};
  if (!IsToken(header.name)) {
    return Status(Code::kBadRequest, "bad header name in \"" + std::string(line) + "\"");
  }
  return header;
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Code::kNotFound, "cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<std::vector<Target>> ParseHttpTargets(std::string_view text, const FileReader& read_file) {
  std::vector<Target> targets;
  bool in_target = false;
  size_t number = 0;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = Trim(text.substr(0, eol));
    text = eol == text.npos ? std::string_view() : text.substr(eol + 1);
    ++number;
    if (!line.empty() && line[0] == '#') continue;
    if (line.empty()) {
      in_target = false;
      continue;
    }
    if (!in_target) {
      Result<Target> target = ParseRequestLine(line, number);
      if (!target.ok()) return target.status();
      targets.push_back(std::move(*target));
      in_target = true;
      continue;
    }
    EBB_RETURN_IF_ERROR(ParseTargetLine(line, number, read_file, targets.back()));
  }
  if (targets.empty()) return Status(Code::kBadRequest, "no targets given");
  return targets;
}

std::string EffectiveHost(const Target& target) {
  for (const Header& h : target.headers) {
    if (EqualsIgnoreCase(h.name, "Host")) return h.value;
  }
  Result<Url> url = ParseUrl(target.url);
  if (!url.ok()) return "";
  std::string host = url->host.find(':') != std::string::npos ? "[" + url->host + "]" : url->host;
  return url->port == 80 ? host : host + ":" + std::to_string(url->port);
}

std::string MethodTitle(std::string_view method) {
  std::string out(method);
  for (size_t i = 1; i < out.size(); ++i) {
    out[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[i])));
  }
  return out;
}

}  // namespace ebb::load
