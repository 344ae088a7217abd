#include "tracing/request_log.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace ebb::tracing {

namespace {

using Field = RequestLogTemplate::Field;
using Escape = RequestLogTemplate::Escape;

constexpr std::string_view kKey = "observability.logging.request-log-template";

constexpr std::array<std::pair<std::string_view, Field>, 19> kFields = {{
    {".Request.Method", Field::kMethod},
    {".Request.URL", Field::kUrl},
    {".Request.RequestURI", Field::kRequestUri},
    {".Request.Host", Field::kHost},
    {".Request.RemoteAddr", Field::kRemoteAddr},
    {".Request.UserAgent", Field::kUserAgent},
    {".Request.Referer", Field::kReferer},
    {".Request.Proto", Field::kProto},
    {".Request.ContentLength", Field::kContentLength},
    {".Response.Code", Field::kCode},
    {".Response.Size", Field::kSize},
    {".Response.Latency", Field::kLatency},
    {".Revision.Name", Field::kRevisionName},
    {".Revision.Namespace", Field::kRevisionNamespace},
    {".Revision.Service", Field::kService},
    {".Revision.Configuration", Field::kConfiguration},
    {".Revision.PodName", Field::kPodName},
    {".Revision.PodIP", Field::kPodIp},
    {".TraceID", Field::kTraceId},
}};

Status Invalid(std::string message) {
  return Status::Invalid(std::string(kKey) + ": " + message,
                         {{std::string(kKey), "FieldValueInvalid", message}});
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  return s;
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view Trim(std::string_view s) { return TrimRight(TrimLeft(s)); }

std::optional<Escape> EscapeNamed(std::string_view name) {
  if (name == "js") return Escape::kJs;
  if (name == "html") return Escape::kHtml;
  if (name == "urlquery") return Escape::kUrlQuery;
  return std::nullopt;
}

std::optional<Field> FieldNamed(std::string_view name) {
  for (const auto& [text, field] : kFields) {
    if (text == name) return field;
  }
  return std::nullopt;
}

// Splits a command into words; a "…" or `…` string is one word (kept with its quotes).
std::vector<std::string_view> Words(std::string_view command) {
  std::vector<std::string_view> words;
  command = Trim(command);
  while (!command.empty()) {
    std::size_t end = 0;
    if (command[0] == '"' || command[0] == '`') {
      end = command.find(command[0], 1);
      end = end == std::string_view::npos ? command.size() : end + 1;
    } else {
      while (end < command.size() && !IsSpace(command[end])) ++end;
    }
    words.push_back(command.substr(0, end));
    command = TrimLeft(command.substr(end));
  }
  return words;
}

// Splits a pipeline at '|' outside quoted strings.
std::vector<std::string_view> Commands(std::string_view pipeline) {
  std::vector<std::string_view> commands;
  char quote = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < pipeline.size(); ++i) {
    char c = pipeline[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '`') {
      quote = c;
    } else if (c == '|') {
      commands.push_back(pipeline.substr(start, i - start));
      start = i + 1;
    }
  }
  commands.push_back(pipeline.substr(start));
  return commands;
}

// A quoted header name without escapes → lower case; nullopt if it is not one.
std::optional<std::string> HeaderName(std::string_view word) {
  if (word.size() < 3 || word.front() != word.back() || (word[0] != '"' && word[0] != '`')) {
    return std::nullopt;
  }
  std::string name(word.substr(1, word.size() - 2));
  if (name.find('\\') != std::string::npos) return std::nullopt;
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

void AppendEscaped(Escape escape, std::string_view s, std::string& out) {
  switch (escape) {
    case Escape::kNone:
      out.append(s);
      break;
    case Escape::kJs:
      AppendJsEscaped(s, out);
      break;
    case Escape::kHtml:
      AppendHtmlEscaped(s, out);
      break;
    case Escape::kUrlQuery:
      AppendQueryEscaped(s, out);
      break;
  }
}

std::string_view StringField(Field field, const RequestLogEntry& e) {
  switch (field) {
    case Field::kMethod:
      return e.method;
    case Field::kUrl:
    case Field::kRequestUri:
      return e.target;
    case Field::kHost:
      return e.host;
    case Field::kRemoteAddr:
      return e.remote_addr;
    case Field::kUserAgent:
      return e.user_agent;
    case Field::kReferer:
      return e.referer;
    case Field::kProto:
      return e.proto;
    case Field::kRevisionName:
      return e.revision_name;
    case Field::kRevisionNamespace:
      return e.revision_namespace;
    case Field::kService:
      return e.service;
    case Field::kConfiguration:
      return e.configuration;
    case Field::kPodName:
      return e.pod_name;
    case Field::kPodIp:
      return e.pod_ip;
    case Field::kTraceId:
      return e.trace_id;
    default:
      return {};
  }
}

}  // namespace

Result<RequestLogTemplate> RequestLogTemplate::Compile(std::string_view text) {
  if (text.empty()) text = kDefaultRequestLogTemplate;
  // As Knative's request log handler: a template that does not end its line gets a newline,
  // so that every request is one line for log collectors.
  std::string with_newline;
  if (!text.ends_with('\n')) {
    with_newline = std::string(text) + "\n";
    text = with_newline;
  }
  RequestLogTemplate t;
  std::string literal;
  bool trim_next = false;  // the previous action ended with " -}}"
  for (;;) {
    std::size_t open = text.find("{{");
    std::string_view before = text.substr(0, open);
    if (trim_next) before = TrimLeft(before);
    if (open == std::string_view::npos) {
      literal.append(before);
      break;
    }
    std::string_view rest = text.substr(open + 2);
    if (rest.size() > 1 && rest[0] == '-' && IsSpace(rest[1])) {  // "{{- ": trim before
      before = TrimRight(before);
      rest.remove_prefix(1);
    }
    literal.append(before);
    std::size_t close = rest.find("}}");
    if (close == std::string_view::npos) return Invalid("unclosed action \"{{\"");
    std::string_view action = rest.substr(0, close);
    trim_next = action.size() > 1 && action.back() == '-' && IsSpace(action[action.size() - 2]);
    if (trim_next) action.remove_suffix(1);
    text = rest.substr(close + 2);
    action = Trim(action);
    if (action.starts_with("/*")) {
      if (!action.ends_with("*/")) return Invalid("unclosed comment");
      continue;
    }
    if (!literal.empty()) t.pieces_.push_back(Piece{Field::kLiteral, Escape::kNone, -1, literal});
    literal.clear();
    if (Status st = t.AddAction(action); !st.ok()) return st;
  }
  if (!literal.empty()) t.pieces_.push_back(Piece{Field::kLiteral, Escape::kNone, -1, literal});
  return t;
}

// One action: FIELD, FUNC FIELD, index .Request.Header "Name", each optionally followed by
// "| FUNC".
Status RequestLogTemplate::AddAction(std::string_view action) {
  const std::string quoted = "{{" + std::string(action) + "}}";
  std::vector<std::string_view> commands = Commands(action);
  if (commands.size() > 2) return Invalid(quoted + ": at most one function after \"|\"");
  std::vector<std::string_view> words = Words(commands[0]);
  Piece piece;
  if (!words.empty() && EscapeNamed(words[0])) {
    piece.escape = *EscapeNamed(words[0]);
    words.erase(words.begin());
  }
  if (words.size() == 3 && words[0] == "index" && words[1] == ".Request.Header" &&
      HeaderName(words[2])) {
    piece.field = Field::kHeader;
    std::string name = *HeaderName(words[2]);
    auto known = std::find(header_names_.begin(), header_names_.end(), name);
    piece.header = static_cast<int>(known - header_names_.begin());
    if (known == header_names_.end()) header_names_.push_back(std::move(name));
  } else if (words.size() == 1 && FieldNamed(words[0])) {
    piece.field = *FieldNamed(words[0]);
  } else {
    return Invalid(quoted +
                   ": not supported (fields of .Request, .Response, .Revision, "
                   ".TraceID; index .Request.Header \"Name\"; js, html, urlquery)");
  }
  if (commands.size() == 2) {
    std::vector<std::string_view> then = Words(commands[1]);
    if (then.size() != 1 || !EscapeNamed(then[0]) || piece.escape != Escape::kNone) {
      return Invalid(quoted + ": only one of js, html, urlquery may follow \"|\"");
    }
    piece.escape = *EscapeNamed(then[0]);
  }
  pieces_.push_back(std::move(piece));
  return Status::Ok();
}

bool RequestLogTemplate::uses(Field field) const {
  return std::any_of(pieces_.begin(), pieces_.end(),
                     [field](const Piece& p) { return p.field == field; });
}

void RequestLogTemplate::Format(const RequestLogEntry& entry, std::string& out) const {
  for (const Piece& piece : pieces_) {
    if (piece.field == Field::kLiteral) {
      out.append(piece.literal);
    } else {
      AppendField(piece, entry, out);
    }
  }
}

void RequestLogTemplate::AppendField(const Piece& piece, const RequestLogEntry& e,
                                     std::string& out) const {
  std::string number;  // short enough for the small-string buffer: no allocation
  switch (piece.field) {
    case Field::kContentLength:
      number = std::to_string(e.content_length);
      break;
    case Field::kCode:
      number = std::to_string(e.status);
      break;
    case Field::kSize:
      number = std::to_string(e.response_size);
      break;
    case Field::kLatency:
      AppendGoFloat(e.latency_seconds, number);
      break;
    case Field::kHeader:
      // Go prints the []string of http.Header: "[v1 v2]".
      AppendEscaped(piece.escape, "[", out);
      if (e.headers != nullptr) AppendEscaped(piece.escape, e.headers[piece.header], out);
      AppendEscaped(piece.escape, "]", out);
      return;
    default:
      AppendEscaped(piece.escape, StringField(piece.field, e), out);
      return;
  }
  AppendEscaped(piece.escape, number, out);
}

}  // namespace ebb::tracing
