// Breaker admission and balancer choice (Knative activator §3.3) as small pure functions.
//
// The breaker: an instance never holds more than containerConcurrency (CC) requests; CC 0 is
// unlimited. The balancer, by CC:
//   CC 0    → power of two choices: two distinct random instances, the less loaded wins
//             (tie: coin flip);
//   CC 1–3  → first available: the first instance (in id order) with a free slot;
//   CC > 3  → round robin over the instances with a free slot, resuming after the last pick.
// Loads are read through a callable so that callers choose the storage (atomics on the request
// path, plain vectors in tests); a negative load marks an instance that may not be chosen.
//
// Thread-safety: Rng and the cursor are owned by one thread (a worker, or a holder of the
// revision's lock); TryReserve is safe from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace ebb::gateway {

// xorshift64*: fast, good enough for load balancing and traffic splits; not for secrets.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed ? seed : 0x9E3779B97F4A7C15ull) {}
  std::uint32_t Next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return static_cast<std::uint32_t>((state_ * 0x2545F4914F6CDD1Dull) >> 32);
  }
  // Uniform in [0, n). REQUIRES: n > 0.
  std::uint32_t Below(std::uint32_t n) {
    return static_cast<std::uint32_t>((static_cast<std::uint64_t>(Next()) * n) >> 32);
  }

 private:
  std::uint64_t state_;
};

// Load value for an instance that must not be picked (excluded, removed, ejected).
inline constexpr int kUnusable = -1;

inline bool HasCapacity(int in_flight, int container_concurrency) {
  return in_flight >= 0 && (container_concurrency <= 0 || in_flight < container_concurrency);
}

// Takes one slot of `in_flight` if the breaker allows it. Lock-free; exact under races.
inline bool TryReserve(std::atomic<int>& in_flight, int container_concurrency) {
  if (container_concurrency <= 0) {
    in_flight.fetch_add(1);
    return true;
  }
  int seen = in_flight.load();
  while (seen < container_concurrency) {
    if (in_flight.compare_exchange_weak(seen, seen + 1)) return true;
  }
  return false;
}

enum class BalancePolicy { kPowerOfTwo, kFirstAvailable, kRoundRobin };

inline BalancePolicy PolicyFor(int container_concurrency) {
  if (container_concurrency <= 0) return BalancePolicy::kPowerOfTwo;
  if (container_concurrency <= 3) return BalancePolicy::kFirstAvailable;
  return BalancePolicy::kRoundRobin;
}

namespace balancer_internal {

template <class LoadFn>
int AnyUsable(std::size_t n, int cc, LoadFn& load, std::size_t start) {
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t i = (start + k) % n;
    if (HasCapacity(load(i), cc)) return static_cast<int>(i);
  }
  return -1;
}

template <class LoadFn>
int PowerOfTwo(std::size_t n, LoadFn& load, Rng& rng) {
  if (n == 1) return HasCapacity(load(0), 0) ? 0 : -1;
  auto count = static_cast<std::uint32_t>(n);
  std::uint32_t a = rng.Below(count);
  std::uint32_t b = rng.Below(count - 1);
  if (b >= a) ++b;
  int la = load(a), lb = load(b);
  // When a pick is unusable, fall back to a scan so that exclusions never cause a miss.
  if (la < 0 && lb < 0) return AnyUsable(n, 0, load, a);
  if (la < 0) return static_cast<int>(b);
  if (lb < 0) return static_cast<int>(a);
  if (la == lb) return static_cast<int>((rng.Next() & 1) ? a : b);
  return static_cast<int>(la < lb ? a : b);
}

template <class LoadFn>
int RoundRobin(std::size_t n, int cc, LoadFn& load, std::uint32_t& cursor) {
  int picked = AnyUsable(n, cc, load, cursor % n);
  if (picked >= 0) cursor = static_cast<std::uint32_t>(picked + 1);
  return picked;
}

}  // namespace balancer_internal

// Index of the instance to use among `n`, or -1 when none has capacity. `load(i)` returns the
// in-flight count of instance i (or kUnusable); `cursor` is the round-robin position.
template <class LoadFn>
int PickInstance(std::size_t n, int container_concurrency, LoadFn load, Rng& rng,
                 std::uint32_t& cursor) {
  if (n == 0) return -1;
  switch (PolicyFor(container_concurrency)) {
    case BalancePolicy::kPowerOfTwo:
      return balancer_internal::PowerOfTwo(n, load, rng);
    case BalancePolicy::kFirstAvailable:
      return balancer_internal::AnyUsable(n, container_concurrency, load, 0);
    case BalancePolicy::kRoundRobin:
      return balancer_internal::RoundRobin(n, container_concurrency, load, cursor);
  }
  return -1;
}

}  // namespace ebb::gateway
