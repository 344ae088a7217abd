// An attack: hits sent to the targets at a constant rate (open loop, as `vegeta attack`) or by
// a fixed number of workers back to back (closed loop, as `hey -c`), over one or more threads,
// every result kept.
//
//   Result<std::unique_ptr<Attack>> a = Attack::Prepare(options, live);  // resolves hosts
//   (*a)->Start(clock);
//   while (!(*a)->WaitFor(250ms)) { ...progress, Stop() on Ctrl-C... }
//   ResultSet results = (*a)->Finish();  // timestamps in Unix ns, sorted by time
//
// Open loop spreads hit i to thread i % threads; each thread keeps its share of the connection
// limit. The attack ends after `requests` hits or when `duration` has passed (whichever comes
// first; neither = until Stop), once the hits in flight have their answers.
// Threads: Prepare/Start/WaitFor/Finish from one thread; Stop and Abort from any.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "load/live_stats.h"
#include "load/rate.h"
#include "load/results.h"
#include "load/targets.h"

namespace ebb::load {

struct AttackOptions {
  std::vector<Target> targets;
  Rate rate{50, std::chrono::seconds(1)};   // open loop unless unlimited
  int concurrency = 0;                      // > 0: closed loop with this many workers
  std::optional<std::uint64_t> requests;    // stop after this many hits
  Nanos duration{0};                        // stop scheduling after this long; 0 = no limit
  int max_connections = 0;                  // 0: 10000 (open loop) or `concurrency`
  Nanos timeout{std::chrono::seconds(30)};  // per request; 0 = none
  bool keepalive = true;
  int threads = 1;
};

// Checks the combination of options: kBadRequest with the reason.
Status ValidateAttackOptions(const AttackOptions& options);

class Shard;
struct PreparedTarget;

class Attack {
 public:
  static Result<std::unique_ptr<Attack>> Prepare(AttackOptions options, LiveStats& live);
  ~Attack();

  void Start(const Clock& clock);
  void Stop();
  void Abort();
  // True once every thread has finished (at most `wait` later).
  bool WaitFor(Nanos wait);
  ResultSet Finish();

  // When the attack started (steady clock), for elapsed times.
  std::chrono::steady_clock::time_point start() const { return start_steady_; }
  std::int64_t start_unix_ns() const { return start_unix_ns_; }
  // The number of hits the schedule plans; nullopt = until stopped.
  std::optional<std::uint64_t> planned_hits() const;

 private:
  Attack(AttackOptions options, std::vector<PreparedTarget> targets, LiveStats& live);
  void OnShardFinished();

  AttackOptions options_;
  std::unique_ptr<std::vector<PreparedTarget>> targets_;
  LiveStats& live_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<std::uint64_t> closed_seq_{0};
  std::chrono::steady_clock::time_point start_steady_;
  std::int64_t start_unix_ns_ = 0;
  std::mutex mu_;
  std::condition_variable finished_cv_;
  size_t finished_ = 0;  // guarded by mu_
};

}  // namespace ebb::load
