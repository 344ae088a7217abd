// One thread of an attack: an io_context, its connections and the results they produce.
//
// Open loop: the shard's pacer puts hits index, index + stride, ... on the pending queue at
// their scheduled times (catching up at once when it is late) and hands each to an idle
// connection, or opens a new one while fewer than `max_connections` are open; otherwise the hit
// waits for the first connection to free up, and its latency, counted from the scheduled time,
// shows that wait. Closed loop: `workers` connections each send the next hit as soon as their
// previous one finished, until the shared hit counter reaches `hit_limit`, `end` passes or Stop.
//
// Threads: Start runs the io_context on a thread of its own; Stop and Abort may be called from
// any thread; Join from the thread that called Start. Everything else is the shard thread's.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "load/asio_types.h"
#include "load/client_connection.h"
#include "load/live_stats.h"
#include "load/rate.h"
#include "load/results.h"

namespace ebb::load {

struct ShardConfig {
  size_t index = 0;  // open loop: this shard sends hits index, index + stride, ...
  size_t stride = 1;
  const std::vector<PreparedTarget>* targets = nullptr;  // outlives the shard
  bool closed_loop = false;
  Rate rate;                    // open loop
  int workers = 0;              // closed loop
  int max_connections = 10000;  // open loop
  std::uint64_t hit_limit = UINT64_MAX;
  SteadyTime start;                    // hit 0's scheduled time
  SteadyTime end = SteadyTime::max();  // closed loop: no new hit after this
  Nanos timeout{0};
  std::atomic<std::uint64_t>* closed_seq = nullptr;  // closed loop: shared hit counter
  std::function<void()> on_finished;  // called on the shard thread when it has finished
};

class Shard {
 public:
  Shard(ShardConfig config, LiveStats& live);
  ~Shard();
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  void Start();
  void Stop();   // no new hits; the ones in flight finish
  void Abort();  // stop at once; hits in flight are lost
  // Waits for the thread; results carry timestamps relative to config.start. An exception that
  // escaped a coroutine (a bug) is rethrown here.
  ResultSet Join();

 private:
  struct Hit {
    std::uint64_t seq;
    SteadyTime scheduled;
  };
  struct Slot {
    Slot(Executor executor, Nanos timeout) : connection(executor, timeout), park(executor) {}
    ClientConnection connection;
    Timer park;  // an idle open-loop worker waits on it; cancel() wakes it
  };

  Task<void> Pace();
  Task<void> Worker(Slot& slot);
  Task<void> Sweep();
  Task<std::optional<Hit>> NextOpenHit(Slot& slot);
  std::optional<Hit> NextClosedHit();
  Task<void> Send(Slot& slot, const Hit& hit);
  void Dispatch();
  void SpawnWorker();
  void WakeAll();
  void WorkerDone();
  void Spawn(Task<void> task);

  const ShardConfig config_;
  LiveStats& live_;
  boost::asio::io_context context_{1};
  std::thread thread_;
  Timer pace_timer_;
  Timer sweep_timer_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<Slot*> idle_;
  std::deque<Hit> pending_;
  int live_workers_ = 0;
  bool scheduling_done_ = false;
  bool stopping_ = false;
  bool finished_ = false;
  ResultSet results_;
  std::exception_ptr failure_;
};

}  // namespace ebb::load
