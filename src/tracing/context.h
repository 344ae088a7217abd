// Trace context as it travels in HTTP headers: parsing what a client sent (W3C Trace Context
// and Zipkin B3, single and multi header) and writing what the gateway sends an instance.
//
// Incoming, by precedence (as Knative's tracecontextb3 format: W3C first, then B3):
//   traceparent: 00-{32 hex trace id}-{16 hex parent id}-{2 hex flags}   (flags bit 0 = sampled)
//   b3: {16|32 hex trace id}-{16 hex span id}[-{1|0|d}[-{16 hex parent span id}]], or b3: 1|0|d
//   X-B3-TraceId / X-B3-SpanId / X-B3-ParentSpanId / X-B3-Sampled (1|0|true|false) / X-B3-Flags (1)
// A header that breaks its format (wrong lengths, upper-case or non-hex digits, all-zero ids,
// version ff, a 00 traceparent with trailing data) is ignored, so the next format is tried;
// `tracestate` and `baggage` are not ours to touch and pass through unchanged.
//
// Outgoing, both formats always (as Knative's activator and queue-proxy): traceparent and the
// B3 multi headers, carrying the same trace id and the gateway's client span id; a 64-bit B3
// trace id is zero-padded on the left for traceparent and kept 64-bit in X-B3-TraceId.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/ascii.h"

namespace ebb::tracing {

struct TraceId {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  bool wide = true;  // 128-bit; false for a 64-bit B3 trace id (high is then 0)

  bool zero() const { return high == 0 && low == 0; }
  bool operator==(const TraceId&) const = default;
};

// What the caller decided about sampling.
enum class Sampling : std::uint8_t {
  kUnset,   // no decision (B3 without a sampling field): the gateway decides
  kAccept,  // sampled
  kDeny,    // not sampled
  kDebug,   // B3 debug (X-B3-Flags: 1, b3 "d"): sampled, and the spans say "debug": true
};

// A parsed incoming context. `span_id` is the caller's span: the parent of the gateway's.
struct SpanContext {
  TraceId trace_id;
  std::uint64_t span_id = 0;
  std::uint64_t parent_id = 0;  // B3's parent of span_id (informational)
  Sampling sampling = Sampling::kUnset;

  bool has_ids() const { return !trace_id.zero() && span_id != 0; }
};

// Lower-case hex of `v`, 16 digits.
void AppendHex64(std::uint64_t v, std::string& out);
// 32 digits when wide, else 16.
void AppendTraceIdHex(const TraceId& id, std::string& out);
std::string TraceIdHex(const TraceId& id);
std::string SpanIdHex(std::uint64_t id);
// Exactly 16 lower-case hex digits → value; nullopt otherwise.
std::optional<std::uint64_t> ParseHex64(std::string_view text);
// 16 or 32 lower-case hex digits → trace id (not checked for zero); nullopt otherwise.
std::optional<TraceId> ParseTraceIdHex(std::string_view text);

// The value of a `traceparent` field; nullopt when invalid.
std::optional<SpanContext> ParseTraceparent(std::string_view value);
// The value of a `b3` field; nullopt when invalid. The sampling-only forms give a context
// without ids.
std::optional<SpanContext> ParseB3Single(std::string_view value);

// Collects the propagation fields of one request head, then resolves them by precedence.
// The views must stay valid until Resolve() has been called.
class IncomingContext {
 public:
  enum Field { kTraceparent, kB3, kTraceId, kSpanId, kParentSpanId, kSampled, kFlags, kNone };

  // Which propagation field `name` (any case) is: traceparent, b3, X-B3-*, or kNone. Cheap for
  // other names: a first-letter and length test before any comparison.
  static Field Classify(std::string_view name);
  void Set(Field field, std::string_view value) {
    if (field == kNone) return;
    values_[field] = value;
    any_ = true;
  }
  // Classify + Set; returns whether `name` was a propagation field (the gateway then replaces
  // it with its own).
  bool Add(std::string_view name, std::string_view value);
  // The context to continue; without usable ids only `sampling` may be set.
  SpanContext Resolve() const;

 private:
  std::optional<SpanContext> ResolveB3Multi() const;

  std::string_view values_[kNone];
  bool any_ = false;  // a field was set (most requests carry none)
};

// The context the gateway sends an instance.
struct Outgoing {
  TraceId trace_id;
  std::uint64_t span_id = 0;            // the gateway's client span: the instance's parent
  std::uint64_t parent_id = 0;          // the gateway's server span (X-B3-ParentSpanId)
  Sampling sampling = Sampling::kDeny;  // kAccept, kDeny or kDebug
};

// Appends "traceparent: …\r\nX-B3-TraceId: …\r\nX-B3-SpanId: …\r\nX-B3-ParentSpanId: …\r\n"
// and "X-B3-Sampled: 1|0\r\n" (or "X-B3-Flags: 1\r\n" for debug) to `out`.
void AppendPropagationFields(const Outgoing& ctx, std::string& out);

}  // namespace ebb::tracing
