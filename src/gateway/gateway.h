// The gateway: ebb's HTTP/1.1 front door, with Knative's activator built in.
//
// It listens on one address with one event loop per worker thread (SO_REUSEPORT acceptors),
// routes each request by Host (port stripped, case-insensitive) through the RouteTable
// snapshot to a revision (weighted split), and proxies it over a pooled keep-alive connection
// to a ready instance. When no instance has a free slot the request parks in the revision's
// bounded queue, the demand callback fires for the first one, and parked requests are released
// in arrival order as capacity appears. See README.md for the request lifecycle.
//
// The gateway knows nothing of the store, the registry or processes: the glue feeds it route
// snapshots (SetRoutes) and ready endpoints (SetEndpoints), and reads the load per revision
// (Collect) for the autoscaler.
//
// Thread-safety: every method may be called from any thread except the gateway's own workers
// (Collect and Stop wait for them). Callbacks run on worker threads and must be cheap and must
// not call back into the gateway synchronously.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "gateway/route_table.h"
#include "ioloop/backend.h"
#include "metrics/request_stats.h"

namespace ebb::tracing {
class Tracer;
}  // namespace ebb::tracing

namespace ebb::gateway {

struct Limits {
  // From the first byte of a request head to its blank line; a slower client is cut.
  std::chrono::milliseconds header_read_timeout{10'000};
  // An idle keep-alive client connection is closed after this.
  std::chrono::milliseconds keepalive_timeout{60'000};
  // Request line + fields; larger heads get 431.
  std::uint32_t max_header_bytes = 32 * 1024;
  // Request body bytes; larger bodies get 413. 0 = no limit.
  std::uint64_t max_body_bytes = 0;
  // Per revision bounds of the activator queue (parked requests); beyond them 503.
  std::size_t queue_max_requests = 10'000;
  std::size_t queue_max_bytes = 64u << 20;
  // Connecting to an instance; on expiry the request tries another instance.
  std::chrono::milliseconds connect_timeout{2'000};
  // After a failed connect an instance gets no new requests for this long (unless every
  // instance is in that state).
  std::chrono::milliseconds eject_duration{1'000};
  // Idle upstream connections kept per instance per worker.
  std::size_t max_idle_upstream = 128;
  // Stop(): time given to requests in flight before connections are closed.
  std::chrono::milliseconds drain_timeout{10'000};
};

struct Options {
  std::string listen = "127.0.0.1:8080";  // "ip:port"; port 0 picks a free port
  int threads = 0;                        // worker event loops; 0 = one per CPU
  // What the event loops run on (ioloop/loop.h): io_uring where the kernel allows it.
  ioloop::Backend io = ioloop::Backend::kAuto;
  // While a request waits for its response head and nothing else is to be done, a worker
  // polls for up to this long before it sleeps (ioloop::Loop::SetBusyPoll, whose window adapts
  // below this to how fast the instances answer): the answer of a local instance then needs
  // no wake-up of a halted CPU. 0 = off.
  std::chrono::microseconds busy_poll{200};
  Limits limits;
  // Per-revision request metrics (Metrics(), on_cold_response); off: nothing is recorded.
  bool metrics = true;
  // Tracing and the request log (tracing/tracer.h); null or not enabled(): off, and the
  // request path pays one pointer test. Not owned; must outlive the gateway.
  tracing::Tracer* tracer = nullptr;
};

// A ready instance of a revision.
struct Endpoint {
  std::string id;    // stable name (e.g. the instance's name); the first-available order
  std::string host;  // IP address or "localhost"
  int port = 0;
};

// An instance that on_demand started for a revision at zero.
struct ColdInstance {
  Endpoint endpoint;
  // -1: it accepts connections already (socket activation), and the worker sends the parked
  // request to it at once. Otherwise a unix datagram socket, the gateway's from then on, where
  // the app's sd_notify "READY=1" arrives: the worker reads it, adds the instance to its own
  // view and sends the parked requests then, and calls on_instance_ready. It gives up when
  // the parked request would have timed out, or after 10 s; SetEndpoints publishes the
  // instance anyway once the runtime finds it ready by itself (a probe).
  int ready_fd = -1;
  // The rest of the start (the caller's bookkeeping of it), which the worker runs once on its
  // thread at `settle_at`, or sooner: before it reports READY=1 (on_instance_ready), and when
  // it stops. Until then ebb's other threads leave the CPUs to the starting app. May be empty.
  std::function<void()> settle;
  std::chrono::steady_clock::time_point settle_at;
};

// Load of one revision since the previous Collect (exact: every request passes the gateway).
struct RevisionLoad {
  std::string revision;
  double average_concurrency = 0;  // time-weighted in-flight requests, parked ones included
  std::uint64_t requests = 0;      // arrivals
  int in_flight = 0;               // now
};

// Request metrics of one revision since it was first routed, summed over the workers at the
// time of the call (Options::metrics; metrics/request_stats.h).
struct RevisionMetrics {
  std::string revision;
  metrics::RequestStatsSnapshot requests;
  int parked = 0;  // requests in the activator queue now
};

// Monotonic counters since Start, summed over the workers (`gateway.<name>`).
struct GatewayStats {
  std::uint64_t connections_accepted = 0;
  std::uint64_t requests = 0;  // heads parsed
  std::uint64_t requests_parked = 0;
  std::uint64_t responses_not_found = 0;    // 404 unknown host
  std::uint64_t responses_bad_request = 0;  // 400 / 413 / 431
  std::uint64_t responses_queue_full = 0;   // 503
  std::uint64_t responses_timeout = 0;      // 504
  std::uint64_t responses_bad_gateway = 0;  // 502
  std::uint64_t upstream_connects = 0;      // new upstream connections opened
  std::uint64_t upstream_connect_failures = 0;
};

struct Callbacks {
  // A request parked for `revision` while none was parked: poke the autoscaler. `none_ready`:
  // the worker knows no ready instance of it (a cold start). The callback may then start an
  // instance on the calling worker thread and return it (ColdInstance): this worker sends the
  // parked request to it as soon as it accepts connections, before SetEndpoints publishes it
  // to all.
  std::function<std::optional<ColdInstance>(const std::string& revision, bool none_ready)>
      on_demand;
  // A worker read READY=1 at `at` on the ready_fd of the instance `endpoint_id` on_demand
  // started for `revision`.
  std::function<void(const std::string& revision, const std::string& endpoint_id,
                     std::chrono::steady_clock::time_point at)>
      on_instance_ready;
  // Connecting to an instance failed (refused, timed out).
  std::function<void(const std::string& revision, const std::string& endpoint_id)>
      on_instance_failure;
  // On each worker thread as it starts, before it serves (the serving plane readies the thread
  // to start instances from on_demand).
  std::function<void()> on_worker_start;
  // Metrics only: a request that parked while its worker knew no ready instance of `revision`
  // (a cold start) got the first byte of an instance's response at `first_byte`.
  std::function<void(const std::string& revision,
                     std::chrono::steady_clock::time_point first_byte)>
      on_cold_response;
};

class Gateway {
 public:
  // Binds the listener and starts the workers. kBadRequest for a malformed `listen`,
  // kUnavailable when the address cannot be bound.
  static Result<std::unique_ptr<Gateway>> Start(Options options, Callbacks callbacks);
  ~Gateway();  // Stop()
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // The bound address, "127.0.0.1:PORT".
  std::string address() const;

  // Replaces the routing snapshot; requests already routed keep their revision.
  void SetRoutes(std::shared_ptr<const RouteTable> routes);
  // Replaces the ready instances of `revision` ("ns/name"). Instances that stay keep their
  // in-flight counts; parked requests get the new capacity at once.
  void SetEndpoints(const std::string& revision, std::vector<Endpoint> ready);

  // Per revision with any activity: the load since the previous call. Meant to be called
  // every second by one caller.
  std::vector<RevisionLoad> Collect();
  GatewayStats Stats() const;
  // Per revision the gateway tracks: its request metrics (all zero with Options::metrics off).
  // Reads the workers' counters without waiting for them.
  std::vector<RevisionMetrics> Metrics() const;

  // Graceful: stops accepting, closes idle connections, lets requests in flight finish for up
  // to Limits::drain_timeout, then closes the rest and joins the workers. Idempotent.
  void Stop();
  // The first half of Stop: stops accepting and waits for the requests in flight (up to
  // Limits::drain_timeout); the workers keep running until Stop. For processes started on a
  // worker thread (on_demand), whose PR_SET_PDEATHSIG fires when that thread ends: stop them
  // between Drain and Stop. Idempotent.
  void Drain();

  struct Impl;

 private:
  explicit Gateway(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ebb::gateway
