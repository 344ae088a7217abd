// ColdStartTracker: the cold-start metric Knative lacks (knative/serving#13459), per revision,
// split into phases.
//
// A cold start is a revision's scale from zero that a request waited for. It begins (t0) when
// a request parks for a revision with no ready instance; further requests that park meanwhile
// belong to the same cold start. It completes at the first response byte that an instance
// sends to a request that parked in it (t3). In between, the revision's first instance to
// become ready after t0 was spawned at t1 and became ready at t2. The phases:
//
//   spawn       t0 → t1   request parked → instance process spawned (0 when the instance was
//                         already starting before t0: t1 is then taken as t0)
//   ready       t1 → t2   spawned → ready (socket activation: about 0; else the app's start-up
//                         until READY=1 or the readiness probe passes)
//   first_byte  t2 → t3   ready → first response byte to the parked request
//   total       t0 → t3   the sum of the three
//
// Each completed cold start is observed once into each histogram. One that never completes —
// the revision is scaled back to zero before any parked request got a byte (they timed out or
// left, or no instance ever became ready) — is counted as abandoned instead. One whose byte
// came but whose instance was never reported ready (it exited at once) has no phases to
// observe and is not counted either way.
//
// Pure bookkeeping: times are passed in; no clock, no lock (the caller serialises calls).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "metrics/histogram.h"

namespace ebb::metrics {

class ColdStartTracker {
 public:
  using Time = std::chrono::steady_clock::time_point;

  // Per revision since it was first seen. Histograms use ColdStartBounds (seconds).
  struct Totals {
    HistogramSnapshot spawn, ready, first_byte, total;
    std::uint64_t abandoned = 0;
  };

  // A request parked for `revision` at `t` while nobody was parked; `no_ready_instance`: the
  // revision had no ready instance then (otherwise it is no cold start).
  void Parked(const std::string& revision, Time t, bool no_ready_instance);
  // An instance of `revision` spawned at `spawned` became ready at `ready`. The report can
  // come before the Parked of the request it was started for: a gateway worker clones the
  // instance and only then records the park, and the runtime thread may adopt the process and
  // report it ready in between. So the last report is kept, and a cold start recorded later
  // takes it when the instance was spawned after the request parked.
  void InstanceReady(const std::string& revision, Time spawned, Time ready);
  // A request that parked while its revision had no ready instance got its first response
  // byte from an instance at `t`. With socket activation the gateway sends to the instance as
  // soon as it is spawned, so its first byte may arrive before its readiness is reported:
  // the byte is then held, and InstanceReady completes the cold start.
  void FirstByte(const std::string& revision, Time t);
  // The revision is scaled to zero instances.
  void ScaledToZero(const std::string& revision);
  // The revision is gone: its totals too.
  void Forget(const std::string& revision);

  bool InProgress(const std::string& revision) const { return pending_.count(revision) > 0; }
  const std::map<std::string, Totals>& totals() const { return totals_; }

 private:
  struct Pending {
    Time parked;
    std::optional<Time> spawned, ready;
    std::optional<Time> first_byte;  // came before `ready` was known
  };
  struct Report {
    Time spawned, ready;
  };

  void Complete(const std::string& revision, const Pending& p, Time first_byte);

  std::map<std::string, Pending> pending_;
  std::map<std::string, Report> last_ready_;  // the last InstanceReady with nothing pending
  std::map<std::string, Totals> totals_;
};

}  // namespace ebb::metrics
