// RequestStats: what one gateway worker counts about the requests it finished for one
// revision — Knative's revision_request_count / revision_request_latencies, the same for the
// requests that waited in the activator queue (activator_request_*), and the queue wait.
//
// Hot-path rule (DESIGN.md): one RequestStats per revision per worker, written only by that
// worker with relaxed loads and stores (no locked instruction, no lock, no allocation); scrapes
// read it from any thread and add every worker's copy into a RequestStatsSnapshot.
//
// Response codes are counted exactly in a small table of kCodeSlots codes, filled in the order
// they first occur; a worker that meets more distinct codes for one revision than that counts
// the rest per class only (RequestStatsSnapshot::overflow). Latencies are histograms per code
// class (Knative's response_code_class: "2xx" …; "0xx" when nothing was written, or for codes
// outside 100–599) in Knative's millisecond buckets.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <string>

#include "metrics/histogram.h"

namespace ebb::metrics {

inline constexpr int kCodeClasses = 6;  // 0xx (none / invalid), 1xx … 5xx
inline constexpr int kCodeSlots = 15;

// 1..5 for codes 100–599, else 0.
inline int CodeClass(int code) { return code >= 100 && code <= 599 ? code / 100 : 0; }
// "2xx" for class 2.
std::string CodeClassLabel(int code_class);

// Plain sums of RequestStats, built by a scrape.
struct ResponseSnapshot {
  std::map<int, std::uint64_t> codes;                   // response code → requests
  std::array<std::uint64_t, kCodeClasses> overflow{};   // by class, codes past the table
  std::array<HistogramSnapshot, kCodeClasses> latency;  // by class, KnativeLatencyBounds
  std::uint64_t requests() const;
};

struct RequestStatsSnapshot {
  ResponseSnapshot all;          // every request the gateway routed to the revision
  ResponseSnapshot activator;    // those that waited in the activator queue
  HistogramSnapshot queue_wait;  // ColdStartBounds: time parked, per parked request
};

// One worker's table of responses. Single writer.
class ResponseCounters {
 public:
  void Record(int code, std::int64_t latency_ns);
  void AddTo(ResponseSnapshot& out) const;

 private:
  static void Bump(std::atomic<std::uint64_t>& cell) {
    cell.store(cell.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  std::atomic<std::uint64_t>* Slot(int code);

  // codes_[i] is 0 while slot i is free; a slot's code is set (release) before its count.
  std::array<std::atomic<std::uint16_t>, kCodeSlots> codes_{};
  std::array<std::atomic<std::uint64_t>, kCodeSlots> counts_{};
  std::array<std::atomic<std::uint64_t>, kCodeClasses> overflow_{};
  std::array<LocalHistogram, kCodeClasses> latency_;
};

class RequestStats {
 public:
  // Worker thread: a request ended. `code` is what the client got (0 if nothing was written),
  // `latency_ns` arrival to end, `parked` whether it waited in the activator queue.
  void Record(int code, std::int64_t latency_ns, bool parked) {
    all_.Record(code, latency_ns);
    if (parked) activator_.Record(code, latency_ns);
  }
  // Worker thread: a request left the activator queue after `wait_ns`.
  void RecordQueueWait(std::int64_t wait_ns) { queue_wait_.Observe(ColdStartBounds(), wait_ns); }

  // Any thread.
  void AddTo(RequestStatsSnapshot& out) const;

 private:
  ResponseCounters all_;
  ResponseCounters activator_;
  LocalHistogram queue_wait_;
};

}  // namespace ebb::metrics
