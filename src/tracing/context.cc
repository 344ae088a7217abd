#include "tracing/context.h"

#include <cstring>

namespace ebb::tracing {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // upper case too: both formats demand lower-case hex
}

// Splits `value` at '-' into at most four parts; returns how many, or 0 for more than four.
int SplitB3(std::string_view value, std::string_view (&parts)[4]) {
  for (int count = 0; count < 4; ++count) {
    std::size_t dash = value.find('-');
    parts[count] = value.substr(0, dash);
    if (dash == std::string_view::npos) return count + 1;
    value.remove_prefix(dash + 1);
  }
  return 0;
}

std::optional<Sampling> ParseB3SamplingState(std::string_view s) {
  if (s == "1") return Sampling::kAccept;
  if (s == "0") return Sampling::kDeny;
  if (s == "d") return Sampling::kDebug;
  return std::nullopt;
}

// "b3: 1" and the like: only a decision.
std::optional<SpanContext> SamplingOnly(std::string_view value) {
  auto sampling = ParseB3SamplingState(value);
  if (!sampling) return std::nullopt;
  SpanContext ctx;
  ctx.sampling = *sampling;
  return ctx;
}

}  // namespace

void AppendHex64(std::uint64_t v, std::string& out) {
  char text[16];
  for (int i = 15; i >= 0; --i) {
    text[i] = kHexDigits[v & 0xf];
    v >>= 4;
  }
  out.append(text, sizeof text);
}

void AppendTraceIdHex(const TraceId& id, std::string& out) {
  if (id.wide) AppendHex64(id.high, out);
  AppendHex64(id.low, out);
}

std::string TraceIdHex(const TraceId& id) {
  std::string out;
  AppendTraceIdHex(id, out);
  return out;
}

std::string SpanIdHex(std::uint64_t id) {
  std::string out;
  AppendHex64(id, out);
  return out;
}

std::optional<std::uint64_t> ParseHex64(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    int digit = HexValue(c);
    if (digit < 0) return std::nullopt;
    v = (v << 4) | static_cast<std::uint64_t>(digit);
  }
  return v;
}

std::optional<TraceId> ParseTraceIdHex(std::string_view text) {
  TraceId id;
  if (text.size() == 16) {
    auto low = ParseHex64(text);
    if (!low) return std::nullopt;
    id.low = *low;
    id.wide = false;
    return id;
  }
  if (text.size() != 32) return std::nullopt;
  auto high = ParseHex64(text.substr(0, 16));
  auto low = ParseHex64(text.substr(16));
  if (!high || !low) return std::nullopt;
  id.high = *high;
  id.low = *low;
  return id;
}

// W3C Trace Context §3.2: version 00 is exactly 55 characters; a later version may append
// "-…" fields, which are ignored; version ff is invalid.
std::optional<SpanContext> ParseTraceparent(std::string_view value) {
  if (value.size() < 55 || value[2] != '-' || value[35] != '-' || value[52] != '-') {
    return std::nullopt;
  }
  std::string_view version = value.substr(0, 2);
  if (HexValue(version[0]) < 0 || HexValue(version[1]) < 0 || version == "ff") return std::nullopt;
  if (version == "00" ? value.size() != 55 : value.size() > 55 && value[55] != '-') {
    return std::nullopt;
  }
  auto trace_id = ParseTraceIdHex(value.substr(3, 32));
  auto span_id = ParseHex64(value.substr(36, 16));
  int flags_high = HexValue(value[53]), flags_low = HexValue(value[54]);
  if (!trace_id || trace_id->zero() || !span_id || *span_id == 0 || flags_high < 0 ||
      flags_low < 0) {
    return std::nullopt;
  }
  SpanContext ctx;
  ctx.trace_id = *trace_id;
  ctx.span_id = *span_id;
  ctx.sampling = (flags_low & 1) ? Sampling::kAccept : Sampling::kDeny;
  return ctx;
}

// openzipkin/b3-propagation "Single Header".
std::optional<SpanContext> ParseB3Single(std::string_view value) {
  if (value.size() == 1) return SamplingOnly(value);
  std::string_view parts[4];
  int count = SplitB3(value, parts);
  if (count < 2) return std::nullopt;
  auto trace_id = ParseTraceIdHex(parts[0]);
  auto span_id = ParseHex64(parts[1]);
  if (!trace_id || trace_id->zero() || !span_id || *span_id == 0) return std::nullopt;
  SpanContext ctx;
  ctx.trace_id = *trace_id;
  ctx.span_id = *span_id;
  if (count == 2) return ctx;  // "{trace}-{span}": the decision is deferred
  auto sampling = ParseB3SamplingState(parts[2]);
  if (!sampling) return std::nullopt;
  ctx.sampling = *sampling;
  if (count == 3) return ctx;
  auto parent = ParseHex64(parts[3]);
  if (!parent || *parent == 0) return std::nullopt;
  ctx.parent_id = *parent;
  return ctx;
}

IncomingContext::Field IncomingContext::Classify(std::string_view name) {
  // Every propagation field starts with t, b or x: most names stop here.
  char first = name.empty() ? '\0' : static_cast<char>(name.front() | 0x20);
  if (first != 't' && first != 'b' && first != 'x') return kNone;
  switch (name.size()) {
    case 2:
      return EqualsIgnoreCase(name, "b3") ? kB3 : kNone;
    case 10:
      return EqualsIgnoreCase(name, "x-b3-flags") ? kFlags : kNone;
    case 11:
      if (EqualsIgnoreCase(name, "traceparent")) return kTraceparent;
      return EqualsIgnoreCase(name, "x-b3-spanid") ? kSpanId : kNone;
    case 12:
      if (EqualsIgnoreCase(name, "x-b3-traceid")) return kTraceId;
      return EqualsIgnoreCase(name, "x-b3-sampled") ? kSampled : kNone;
    case 17:
      return EqualsIgnoreCase(name, "x-b3-parentspanid") ? kParentSpanId : kNone;
    default:
      return kNone;
  }
}

bool IncomingContext::Add(std::string_view name, std::string_view value) {
  Field field = Classify(name);
  Set(field, value);
  return field != kNone;
}

SpanContext IncomingContext::Resolve() const {
  if (!any_) return {};
  if (!values_[kTraceparent].empty()) {
    if (auto ctx = ParseTraceparent(values_[kTraceparent])) return *ctx;
  }
  if (!values_[kB3].empty()) {
    if (auto ctx = ParseB3Single(values_[kB3])) return *ctx;
  }
  if (auto ctx = ResolveB3Multi()) return *ctx;
  return {};
}

// openzipkin/b3-propagation "Multiple Headers". A sampling decision alone is honoured even
// without ids; ids that do not parse are dropped.
std::optional<SpanContext> IncomingContext::ResolveB3Multi() const {
  std::string_view sampled = values_[kSampled];
  SpanContext ctx;
  if (values_[kFlags] == "1") {
    ctx.sampling = Sampling::kDebug;
  } else if (sampled == "1" || EqualsIgnoreCase(sampled, "true")) {
    ctx.sampling = Sampling::kAccept;
  } else if (sampled == "0" || EqualsIgnoreCase(sampled, "false")) {
    ctx.sampling = Sampling::kDeny;
  }
  auto trace_id = ParseTraceIdHex(values_[kTraceId]);
  auto span_id = ParseHex64(values_[kSpanId]);
  if (trace_id && !trace_id->zero() && span_id && *span_id != 0) {
    ctx.trace_id = *trace_id;
    ctx.span_id = *span_id;
    if (auto parent = ParseHex64(values_[kParentSpanId])) ctx.parent_id = *parent;
  }
  if (!ctx.has_ids() && ctx.sampling == Sampling::kUnset) return std::nullopt;
  return ctx;
}

namespace {

// Writes `n` hex digits of `v` (its low 4n bits) at `at`; returns the end.
char* PutHex(std::uint64_t v, int n, char* at) {
  for (int i = n - 1; i >= 0; --i) {
    at[i] = kHexDigits[v & 0xf];
    v >>= 4;
  }
  return at + n;
}

char* Put(std::string_view s, char* at) {
  std::memcpy(at, s.data(), s.size());
  return at + s.size();
}

char* PutTraceId(const TraceId& id, char* at) {
  if (id.wide) at = PutHex(id.high, 16, at);
  return PutHex(id.low, 16, at);
}

}  // namespace

// Runs for every request while tracing is on, sampled or not: one buffer on the stack with
// the fixed layout, one append.
void AppendPropagationFields(const Outgoing& ctx, std::string& out) {
  const bool sampled = ctx.sampling == Sampling::kAccept || ctx.sampling == Sampling::kDebug;
  char buf[256];
  char* p = Put("traceparent: 00-", buf);
  p = ctx.trace_id.wide ? PutHex(ctx.trace_id.high, 16, p) : Put("0000000000000000", p);
  p = PutHex(ctx.trace_id.low, 16, p);
  p = Put("-", p);
  p = PutHex(ctx.span_id, 16, p);
  p = Put(sampled ? "-01\r\nX-B3-TraceId: " : "-00\r\nX-B3-TraceId: ", p);
  p = PutTraceId(ctx.trace_id, p);
  p = Put("\r\nX-B3-SpanId: ", p);
  p = PutHex(ctx.span_id, 16, p);
  p = Put("\r\nX-B3-ParentSpanId: ", p);
  p = PutHex(ctx.parent_id, 16, p);
  // B3: debug implies an accept decision, so X-B3-Sampled is not sent with it.
  p = Put(ctx.sampling == Sampling::kDebug ? "\r\nX-B3-Flags: 1\r\n"
          : sampled                        ? "\r\nX-B3-Sampled: 1\r\n"
                                           : "\r\nX-B3-Sampled: 0\r\n",
          p);
  out.append(buf, static_cast<std::size_t>(p - buf));
}

}  // namespace ebb::tracing
