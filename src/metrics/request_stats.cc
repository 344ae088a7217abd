#include "metrics/request_stats.h"

namespace ebb::metrics {

namespace {

// Slots hold code + 1 so that 0 can mean "free" while code 0 (no response) is still countable.
constexpr int kMaxCode = 0xfffe;

}  // namespace

std::string CodeClassLabel(int code_class) { return std::to_string(code_class) + "xx"; }

std::uint64_t ResponseSnapshot::requests() const {
  std::uint64_t n = 0;
  for (const auto& [code, count] : codes) n += count;
  for (std::uint64_t count : overflow) n += count;
  return n;
}

std::atomic<std::uint64_t>* ResponseCounters::Slot(int code) {
  if (code < 0 || code > kMaxCode) return nullptr;
  const auto tag = static_cast<std::uint16_t>(code + 1);
  for (int i = 0; i < kCodeSlots; ++i) {
    std::uint16_t held = codes_[i].load(std::memory_order_relaxed);
    if (held == tag) return &counts_[i];
    if (held == 0) {
      codes_[i].store(tag, std::memory_order_release);
      return &counts_[i];
    }
  }
  return nullptr;
}

void ResponseCounters::Record(int code, std::int64_t latency_ns) {
  const int code_class = CodeClass(code);
  std::atomic<std::uint64_t>* slot = Slot(code);
  Bump(slot != nullptr ? *slot : overflow_[code_class]);
  latency_[code_class].Observe(KnativeLatencyBounds(), latency_ns);
}

void ResponseCounters::AddTo(ResponseSnapshot& out) const {
  for (int i = 0; i < kCodeSlots; ++i) {
    std::uint16_t held = codes_[i].load(std::memory_order_acquire);
    if (held == 0) break;  // slots fill in order
    out.codes[held - 1] += counts_[i].load(std::memory_order_relaxed);
  }
  for (int c = 0; c < kCodeClasses; ++c) {
    out.overflow[c] += overflow_[c].load(std::memory_order_relaxed);
    latency_[c].AddTo(KnativeLatencyBounds(), out.latency[c]);
  }
}

void RequestStats::AddTo(RequestStatsSnapshot& out) const {
  all_.AddTo(out.all);
  activator_.AddTo(out.activator);
  queue_wait_.AddTo(ColdStartBounds(), out.queue_wait);
}

}  // namespace ebb::metrics
