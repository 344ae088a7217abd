// Exact, time-weighted concurrency accounting for one revision (knative-spec.md §2.4, §3.5).
//
// The gateway reports every request's start and end, so ebb measures ∫inflight·dt exactly
// instead of scraping and extrapolating. A Sample is one period's result: the time-weighted
// average number of requests in flight and the number of arrivals.
//
// Threading: one ConcurrencyRecorder per (revision, gateway worker thread).
//   - Start/End are called only by the owning worker thread, on the request path. They never
//     block or allocate: a handful of atomic stores (plain moves on x86) framed by a sequence
//     counter.
//   - Collect is called by one collector thread (the one that feeds the Autoscaler every 1 s).
//     It reads the owner's cumulative counters consistently (retrying while the owner is in the
//     middle of an update, a window of a few instructions) and subtracts the previous reading,
//     which only the collector keeps. Nothing is reset on the owner's side, so the owner and the
//     collector never write the same memory.
//   - InFlight may be read from any thread.
// A revision-wide sample is the sum (operator+=) of its recorders' samples collected at the
// same instant. The recorder must outlive both threads' use of it (e.g. owned by the
// revision's entry in the gateway's table, destroyed after the worker has let go of it).
//
// How the integral is kept without a per-event clock read on the collector side: with n
// requests in flight and A = Σ end − Σ start over all events so far (in ns, modulo 2^64),
// ∫₀ᵀ inflight dt = A + n·T for any T not before the last event. The collector computes that at
// each Collect and subtracts the value from its previous Collect; unsigned wrap-around keeps the
// difference exact however long the process runs. An event stamped before `now` but published
// after the collector's read (or the reverse) moves a little area between adjacent periods; a
// period never reports less than zero, the next one absorbs the difference.
#pragma once

#include <atomic>
#include <cstdint>

#include "autoscaler/timing.h"

namespace ebb::autoscaler {

struct Sample {
  double average_concurrency = 0;  // ∫inflight·dt / period
  std::int64_t request_count = 0;  // arrivals (Start calls) in the period
  Duration period{0};              // length of the period the sample covers

  // Arrivals per second over the period (0 for an empty period).
  double RequestsPerSecond() const;
  // Adds another recorder's sample of the same period (revision-wide totals).
  Sample& operator+=(const Sample& other);
  bool operator==(const Sample&) const = default;
};

class ConcurrencyRecorder {
 public:
  // The first Collect reports the period since `start`.
  explicit ConcurrencyRecorder(Time start);
  ConcurrencyRecorder(const ConcurrencyRecorder&) = delete;
  ConcurrencyRecorder& operator=(const ConcurrencyRecorder&) = delete;

  // Owning thread only. A request arrived at t / finished at t. Every End must follow its
  // Start; times of one thread's events must not go backwards.
  void Start(Time t);
  void End(Time t);

  // Collector thread only. The sample for (previous Collect or construction, now]; the next
  // period starts at now. A `now` before the previous one yields an empty sample.
  Sample Collect(Time now);

  // Requests in flight right now; any thread.
  std::int64_t InFlight() const;

 private:
  struct Snapshot {
    std::uint64_t in_flight;
    std::uint64_t offset;
    std::uint64_t arrivals;
  };
  void Publish(std::uint64_t in_flight, std::uint64_t offset, std::uint64_t arrivals);
  Snapshot Read() const;

  // Written by the owning thread only; seq_ is odd while an update is in progress.
  std::atomic<std::uint64_t> seq_{0};
  std::atomic<std::uint64_t> in_flight_{0};
  std::atomic<std::uint64_t> offset_{0};  // Σ end − Σ start, ns, modulo 2^64
  std::atomic<std::uint64_t> arrivals_{0};

  // Collector thread only: the previous reading.
  Time last_time_;
  std::uint64_t last_area_ = 0;  // ∫inflight dt reported so far, ns, modulo 2^64
  std::uint64_t last_arrivals_ = 0;
};

}  // namespace ebb::autoscaler
