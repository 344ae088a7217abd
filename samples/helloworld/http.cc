#include "http.h"

#include <algorithm>
#include <cctype>

namespace helloworld {
namespace {

constexpr std::size_t kMaxChunkLine = 4096;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsTokenChar);
}

// Calls fn(token) for each comma-separated, trimmed, non-empty element of a header value.
template <typename Fn>
void ForEachToken(std::string_view value, Fn fn) {
  while (!value.empty()) {
    std::size_t comma = value.find(',');
    std::string_view token = Trim(value.substr(0, comma));
    if (!token.empty()) fn(token);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  char lower = static_cast<char>(c | 0x20);
  return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
}

// A chunk size: 1 to 15 hex digits (so it cannot overflow).
std::optional<std::uint64_t> ParseHex(std::string_view digits) {
  if (digits.empty() || digits.size() > 15) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : digits) {
    int v = HexValue(c);
    if (v < 0) return std::nullopt;
    value = value * 16 + static_cast<std::uint64_t>(v);
  }
  return value;
}

// Header facts collected while parsing, turned into Request fields at the end.
struct HeadState {
  Request req;
  bool conn_close = false, conn_keep_alive = false, conn_upgrade = false, upgrade_ws = false;
  bool has_length = false;
  int error_status = 0;
  std::string error;

  void Fail(int status, std::string why) {
    if (error_status != 0) return;
    error_status = status;
    error = std::move(why);
  }
};

void ParseTarget(std::string_view target, Request& req) {
  // Absolute form (proxies): keep only the path and query.
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.substr(0, scheme.size()) == scheme) {
      std::size_t slash = target.find('/', scheme.size());
      target = slash == std::string_view::npos ? "/" : target.substr(slash);
    }
  }
  std::size_t q = target.find('?');
  req.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
}

void ParseRequestLine(std::string_view line, HeadState& st) {
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return st.Fail(400, "malformed request line");
  }
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (!IsToken(method) || target.empty()) return st.Fail(400, "malformed request line");
  if (version == "HTTP/1.1") {
    st.req.minor = 1;
  } else if (version == "HTTP/1.0") {
    st.req.minor = 0;
  } else {
    return st.Fail(505, "unsupported HTTP version");
  }
  st.req.method = std::string(method);
  ParseTarget(target, st.req);
}

void OnContentLength(std::string_view value, HeadState& st) {
  std::optional<std::uint64_t> n = ParseNumber(value, UINT64_MAX / 2);
  if (!n || (st.has_length && *n != st.req.content_length)) {
    return st.Fail(400, "invalid Content-Length");
  }
  st.has_length = true;
  st.req.content_length = *n;
}

void OnTransferEncoding(std::string_view value, HeadState& st) {
  std::string_view last;
  ForEachToken(value, [&](std::string_view t) { last = t; });
  if (!EqualsIgnoreCase(last, "chunked")) return st.Fail(501, "unsupported Transfer-Encoding");
  st.req.chunked = true;
}

void OnHeader(std::string_view name, std::string_view value, HeadState& st) {
  if (EqualsIgnoreCase(name, "content-length")) return OnContentLength(value, st);
  if (EqualsIgnoreCase(name, "transfer-encoding")) return OnTransferEncoding(value, st);
  if (EqualsIgnoreCase(name, "connection")) {
    ForEachToken(value, [&](std::string_view t) {
      st.conn_close |= EqualsIgnoreCase(t, "close");
      st.conn_keep_alive |= EqualsIgnoreCase(t, "keep-alive");
      st.conn_upgrade |= EqualsIgnoreCase(t, "upgrade");
    });
  } else if (EqualsIgnoreCase(name, "upgrade")) {
    ForEachToken(value,
                 [&](std::string_view t) { st.upgrade_ws |= EqualsIgnoreCase(t, "websocket"); });
  } else if (EqualsIgnoreCase(name, "expect")) {
    st.req.expect_continue = EqualsIgnoreCase(value, "100-continue");
  } else if (EqualsIgnoreCase(name, "sec-websocket-key")) {
    st.req.websocket_key = std::string(value);
  }
}

void ParseHeaderLine(std::string_view line, HeadState& st) {
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || !IsToken(line.substr(0, colon))) {
    return st.Fail(400, "malformed header line");  // also rejects obsolete line folding
  }
  OnHeader(line.substr(0, colon), Trim(line.substr(colon + 1)), st);
}

void Finish(HeadState& st) {
  Request& req = st.req;
  if (req.chunked) req.content_length = 0;  // Transfer-Encoding overrides Content-Length
  req.keep_alive = req.minor == 1 ? !st.conn_close : st.conn_keep_alive && !st.conn_close;
  req.websocket = req.method == "GET" && st.conn_upgrade && st.upgrade_ws;
}

HeadResult Fail(int status, std::string why) {
  HeadResult r;
  r.status = Parse::kError;
  r.error_status = status;
  r.error = std::move(why);
  return r;
}

}  // namespace

HeadResult ParseHead(std::string_view data) {
  std::size_t skip = 0;  // RFC 9112 2.2: ignore empty lines before the request line
  while (data.substr(skip, 2) == "\r\n") skip += 2;
  std::size_t end = data.find("\r\n\r\n", skip);
  if (end == std::string_view::npos || end + 4 > kMaxHeadBytes) {
    if (data.size() > kMaxHeadBytes) return Fail(431, "request head too large");
    return HeadResult{};
  }
  std::string_view head = data.substr(skip, end + 2 - skip);  // every line ends in CRLF
  HeadState st;
  std::size_t eol = head.find("\r\n");
  ParseRequestLine(head.substr(0, eol), st);
  for (std::size_t pos = eol + 2; pos < head.size() && st.error_status == 0;) {
    std::size_t next = head.find("\r\n", pos);
    ParseHeaderLine(head.substr(pos, next - pos), st);
    pos = next + 2;
  }
  if (st.error_status != 0) return Fail(st.error_status, st.error);
  Finish(st);
  HeadResult r;
  r.status = Parse::kDone;
  r.length = end + 4;
  r.request = std::move(st.req);
  return r;
}

BodyDecoder BodyDecoder::ForRequest(const Request& req) {
  BodyDecoder d;
  d.chunked_ = req.chunked;
  d.remaining_ = req.content_length;
  d.state_ = req.chunked ? State::kSize : req.content_length > 0 ? State::kData : State::kDone;
  return d;
}

std::size_t BodyDecoder::Consume(std::string_view data) {
  std::size_t used = 0;
  while (used < data.size() && state_ != State::kDone && state_ != State::kError) {
    std::string_view rest = data.substr(used);
    if (state_ == State::kData) {
      auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, rest.size()));
      used += n;
      remaining_ -= n;
      body_bytes_ += n;
      if (remaining_ == 0) state_ = chunked_ ? State::kDataEnd : State::kDone;
    } else if (state_ == State::kDataEnd) {
      if (rest.size() < 2) break;
      state_ = rest.substr(0, 2) == "\r\n" ? State::kSize : State::kError;
      used += 2;
    } else {
      std::size_t n = ConsumeLine(rest);
      if (n == 0) break;
      used += n;
    }
  }
  return used;
}

std::size_t BodyDecoder::ConsumeLine(std::string_view data) {
  std::size_t eol = data.find("\r\n");
  if (eol == std::string_view::npos) {
    if (data.size() > kMaxChunkLine) state_ = State::kError;
    return 0;
  }
  OnLine(data.substr(0, eol));
  return eol + 2;
}

void BodyDecoder::OnLine(std::string_view line) {
  if (state_ == State::kTrailer) {
    if (line.empty()) state_ = State::kDone;  // trailer fields themselves are ignored
    return;
  }
  std::optional<std::uint64_t> size = ParseHex(Trim(line.substr(0, line.find(';'))));
  if (!size) {
    state_ = State::kError;
  } else if (*size == 0) {
    state_ = State::kTrailer;
  } else {
    remaining_ = *size;
    state_ = State::kData;
  }
}

std::optional<std::string_view> QueryParam(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::optional<std::uint64_t> ParseNumber(std::string_view text, std::uint64_t max) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (value > max) return std::nullopt;
  return value;
}

}  // namespace helloworld
