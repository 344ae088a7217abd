// One event loop of the gateway: a thread running its own ioloop::Loop, an acceptor on the
// shared address (SO_REUSEPORT: the kernel spreads connections over the workers), the client
// sessions it accepted, its upstream pool, its route snapshot and its counters.
//
// Everything a worker owns is used on its thread only; other threads reach it through
// loop().Post (Gateway does so for route and endpoint updates, collection and shutdown). The
// counters are relaxed atomics written by the worker alone so Stats() can read them anytime.
#pragma once

#include <atomic>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_set>

#include "common/status.h"
#include "gateway/io_types.h"
#include "gateway/balancer.h"
#include "gateway/compiled_routes.h"
#include "gateway/gateway.h"
#include "gateway/upstream_pool.h"

namespace ebb::gateway {

class Session;
}  // namespace ebb::gateway

namespace ebb::tracing {
class WorkerTracer;
}  // namespace ebb::tracing

namespace ebb::gateway {

// Worker count when Options::threads is 0: the CPUs this process may run on (its affinity mask,
// as taskset or a cpuset sets it), at least 1. More event loops than usable CPUs only add
// context switches between them.
int DefaultWorkerCount();

// gateway.<name> counters of one worker.
struct WorkerCounters {
  std::atomic<std::uint64_t> connections_accepted{0};
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> requests_parked{0};
  std::atomic<std::uint64_t> responses_not_found{0};
  std::atomic<std::uint64_t> responses_bad_request{0};
  std::atomic<std::uint64_t> responses_queue_full{0};
  std::atomic<std::uint64_t> responses_timeout{0};
  std::atomic<std::uint64_t> responses_bad_gateway{0};
  std::atomic<std::uint64_t> upstream_connects{0};
  std::atomic<std::uint64_t> upstream_connect_failures{0};

  // Single writer: a plain load + store, no locked instruction.
  static void Bump(std::atomic<std::uint64_t>& counter) {
    counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  void AddTo(GatewayStats& stats) const;
};

class Worker {
 public:
  // `metrics`: record per-revision request metrics (Options::metrics). `loop`: the event loop
  // the worker's thread will run.
  Worker(int index, const Limits& limits, const Callbacks& callbacks, std::uint64_t seed,
         bool metrics, std::unique_ptr<ioloop::Loop> loop);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Before Start, from the starting thread: opens this worker's acceptor.
  Status Listen(const sockaddr_storage& address, socklen_t size);
  // Before Start: this worker's tracing state (null: tracing and request log off).
  void set_tracer(tracing::WorkerTracer* tracer) { tracer_ = tracer; }
  int port() const { return acceptor_.port(); }
  void Start();  // runs the loop on a new thread
  // Waits for the loop to finish (ForceStop posted); past `grace` the loop is stopped hard.
  void Join(std::chrono::milliseconds grace);

  ioloop::Loop& loop() { return *loop_; }

  // On the worker thread (loop().Post from elsewhere).
  void BeginStop(std::promise<void> drained);  // stop accepting, close idle connections
  void ForceStop();                            // close everything, let the loop finish

  // For sessions, on the worker thread.
  int index() const { return index_; }
  const Limits& limits() const { return limits_; }
  const Callbacks& callbacks() const { return callbacks_; }
  bool metrics() const { return metrics_; }
  tracing::WorkerTracer* tracer() const { return tracer_; }
  const std::shared_ptr<const CompiledRoutes>& routes() const { return routes_; }
  void set_routes(std::shared_ptr<const CompiledRoutes> routes) { routes_ = std::move(routes); }
  UpstreamPool& pool() { return pool_; }
  Rng& rng() { return rng_; }
  WorkerCounters& counters() { return counters_; }
  const WorkerCounters& counters() const { return counters_; }
  // True from the moment the gateway starts draining, on every worker at once: a response
  // formatted after Drain was called says `Connection: close` even if this worker has not yet
  // run its BeginStop. One relaxed load per response.
  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }
  // Any thread: the gateway is draining. BeginStop follows on the worker's thread.
  void MarkStopping() { stopping_.store(true, std::memory_order_relaxed); }
  void Register(Session* session) { sessions_.insert(session); }
  // Reads `cold.ready_fd` (owned from now on) until READY=1, then adds the instance to this
  // worker's view of `revision` (which hands it the parked requests) and calls
  // on_instance_ready. Gives up at `until` or after 10 s (or when the worker stops).
  void WatchReady(RevisionPtr revision, ColdInstance cold, SteadyTime until);
  // Runs `settle` at `at` (or when the worker stops). For a cold start without a ready_fd.
  void SettleLater(std::function<void()> settle, SteadyTime at);
  void Unregister(Session* session);

 private:
  Task<void> AcceptLoop();
  Task<void> ReadReady(RevisionPtr revision, ColdInstance cold, SteadyTime until);
  Task<void> Settle(std::function<void()> settle, SteadyTime at);
  // Waits until `at` unless the worker stops first (ForceStop).
  Task<void> Delay(SteadyTime at);
  void CheckDrained();

  const int index_;
  const Limits limits_;
  const Callbacks callbacks_;
  const bool metrics_;
  tracing::WorkerTracer* tracer_ = nullptr;  // owned by the tracing::Tracer
  WorkerCounters counters_;
  // Declared before loop_ so that sessions destroyed with the loop can still unregister.
  std::unordered_set<Session*> sessions_;  // worker thread only
  std::unordered_set<Socket*> ready_watches_;         // worker thread only (ReadReady)
  std::unordered_set<ioloop::Event*> delays_;         // worker thread only (Delay)
  std::optional<std::promise<void>> drained_;
  std::atomic<bool> stopping_{false};

  std::unique_ptr<ioloop::Loop> loop_;
  ioloop::Acceptor acceptor_;
  std::thread thread_;
  std::promise<void> finished_;  // set by the thread when run() returns

  // Worker thread only.
  std::shared_ptr<const CompiledRoutes> routes_;
  UpstreamPool pool_;
  Rng rng_;
};

}  // namespace ebb::gateway
