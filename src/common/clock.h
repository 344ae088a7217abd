// Time comes through Clock so that tests drive it by hand (FakeClock) instead of sleeping.
#pragma once

#include <chrono>
#include <string>

namespace ebb {

class Clock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  // Wall-clock time (for creationTimestamp, lastTransitionTime).
  virtual time_point Now() const = 0;
  // Monotonic time for intervals and deadlines.
  virtual std::chrono::steady_clock::time_point Steady() const = 0;
};

class RealClock final : public Clock {
 public:
  time_point Now() const override { return std::chrono::system_clock::now(); }
  std::chrono::steady_clock::time_point Steady() const override {
    return std::chrono::steady_clock::now();
  }
};

// A clock that only moves when told to. Not thread-safe: tests drive it from one thread.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(time_point start = time_point(std::chrono::seconds(1'780'000'000)))
      : now_(start) {}
  time_point Now() const override { return now_; }
  std::chrono::steady_clock::time_point Steady() const override {
    return std::chrono::steady_clock::time_point(now_.time_since_epoch());
  }
  void Advance(std::chrono::nanoseconds d) { now_ += std::chrono::duration_cast<time_point::duration>(d); }

 private:
  time_point now_;
};

// RFC 3339 in UTC with second precision, as Kubernetes writes timestamps: 2026-11-25T20:17:35Z.
std::string FormatRfc3339(Clock::time_point t);
// Parses what FormatRfc3339 writes (and fractional seconds); false on anything else.
bool ParseRfc3339(const std::string& text, Clock::time_point* out);

}  // namespace ebb
