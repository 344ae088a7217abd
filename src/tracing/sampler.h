// The sampling decision and the ids of a new trace.
//
// A caller's decision is honoured both ways (parent-based, as Zipkin's B3 and OpenTelemetry's
// ParentBased sampler do: "0" means the caller wants no spans downstream either). Without one,
// config-tracing `debug: true` samples everything, else a request is sampled with probability
// `sample-rate` (Knative's legacy default 0.1), drawn from the worker's own generator.
//
// Thread-safety: Decide is pure; an IdGenerator belongs to one thread (a gateway worker).
#pragma once

#include <cstdint>

#include "tracing/context.h"

namespace ebb::tracing {

struct SamplerConfig {
  double rate = 0.1;    // [0, 1]
  bool always = false;  // config-tracing debug: sample every request
};

// The decision for a request: kAccept, kDeny or kDebug. `random` is uniform over 2^64 (tests
// pass chosen values).
inline Sampling Decide(Sampling incoming, const SamplerConfig& config, std::uint64_t random) {
  if (incoming != Sampling::kUnset) return incoming;
  if (config.always || config.rate >= 1.0) return Sampling::kAccept;
  if (config.rate <= 0.0) return Sampling::kDeny;
  // 2^64 * rate, computed in double: exact enough for a probability.
  const double threshold = config.rate * 18446744073709551616.0;
  return static_cast<double>(random) < threshold ? Sampling::kAccept : Sampling::kDeny;
}

inline bool IsSampled(Sampling s) { return s == Sampling::kAccept || s == Sampling::kDebug; }

// splitmix64: fast, full 64-bit output, fine for ids and coin flips (not for secrets).
class IdGenerator {
 public:
  explicit IdGenerator(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // A span id: never 0 (0 means "none" in both formats).
  std::uint64_t NextSpanId() {
    std::uint64_t id = Next();
    return id != 0 ? id : 1;
  }
  TraceId NextTraceId() { return TraceId{Next(), NextSpanId(), true}; }

 private:
  std::uint64_t state_;
};

}  // namespace ebb::tracing
