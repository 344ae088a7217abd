// Everything the request path keeps about one revision: its config, its ready instances, the
// breaker + balancer, the activator queue and the per-worker load accumulators.
//
// One RevisionState per revision key, shared by all workers (held by shared_ptr from the route
// snapshot and from requests in flight). The fast path (TryAcquire / Release with nobody
// parked) takes no lock: it reads the worker's own view of the instance set and reserves a
// slot with an atomic compare-and-swap, so containerConcurrency holds across workers. Parking,
// handing capacity to parked requests and publishing a new instance set take `mu_`.
//
// Capacity goes to parked requests in arrival order: while anything is parked, new arrivals
// park behind it, and every freed slot or new instance is handed to the oldest live ticket.
//
// Thread-safety: as marked per method. This file knows nothing of sockets or event loops:
// a ticket's `wake` is how the gateway learns that its parked request may go on.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/activator_queue.h"
#include "gateway/balancer.h"
#include "gateway/instance.h"
#include "gateway/load_accumulator.h"
#include "gateway/route_table.h"
#include "metrics/request_stats.h"

namespace ebb::gateway {

// Instances one request has already failed to connect to; skipped when it retries.
class TriedInstances {
 public:
  static constexpr int kMax = 4;
  bool Contains(const Instance* instance) const {
    for (int i = 0; i < count_; ++i) {
      if (items_[i] == instance) return true;
    }
    return false;
  }
  bool full() const { return count_ == kMax; }
  int count() const { return count_; }
  void Add(const Instance* instance) {
    if (count_ < kMax) items_[count_++] = instance;
  }

 private:
  std::array<const Instance*, kMax> items_{};
  int count_ = 0;
};

struct RevisionTimeouts {
  std::chrono::milliseconds total;
  std::chrono::milliseconds response_start;  // 0 = off
  std::chrono::milliseconds idle;            // 0 = off
};

class RevisionState {
 public:
  // Owned by one worker: its view of the ready set (published by posting to the worker), its
  // load accumulator and its request metrics (written by the worker only, read by scrapes).
  // Cache-line aligned so workers do not share lines.
  struct alignas(64) WorkerView {
    std::shared_ptr<const InstanceSet> instances;
    LoadAccumulator load;
    std::uint32_t cursor = 0;
    metrics::RequestStats requests;
  };

  RevisionState(std::string key, int workers, std::size_t queue_max_requests,
                std::size_t queue_max_bytes, std::uint64_t seed, SteadyTime created);

  const std::string& key() const { return key_; }

  // Any thread. Revisions are immutable in Knative, but the snapshot may arrive after the
  // endpoints, so the config is replaceable.
  void Configure(const RevisionConfig& config);
  int container_concurrency() const { return cc_.load(std::memory_order_relaxed); }
  RevisionTimeouts timeouts() const;

  // Any thread: publishes the ready set (sorted by id; instances already known by id and
  // address are kept with their counters). Instances that left are marked removed and returned
  // so that pooled connections to them can be closed. Parked requests get the new capacity.
  struct Published {
    std::shared_ptr<const InstanceSet> set;
    std::vector<InstancePtr> removed;
  };
  Published SetInstances(std::vector<InstancePtr> ready, SteadyTime now);
  // Any thread: adds one instance to the ready set (unless one with its id and address is
  // there) and returns the set. Parked requests get its capacity.
  std::shared_ptr<const InstanceSet> AddInstance(InstancePtr instance, SteadyTime now);

  // Worker-owned view; `worker` < the count given at construction.
  WorkerView& view(int worker) { return views_[worker]; }

  // Worker `worker`, hot path: an instance with one slot reserved for the caller, or nullptr
  // when the request must park (somebody is parked already, or nothing has capacity).
  InstancePtr TryAcquire(int worker, Rng& rng, SteadyTime now, const TriedInstances& tried);
  // Any thread: gives a slot back and hands it to the oldest parked request, if any.
  void Release(Instance& instance, SteadyTime now);

  enum class ParkResult {
    kParked,    // wait for `wake`
    kAssigned,  // capacity was there already: ticket->assigned holds a slot
    kFull,      // queue bound reached: answer 503
  };
  // Any thread. `*first` is set when the queue was empty before (poke the autoscaler).
  ParkResult Park(const TicketPtr& ticket, SteadyTime now, bool* first);
  // Any thread: the owner of a ticket stops waiting for reason `why`. Returns the ticket's
  // final state: `why` if it was still waiting, else kAssigned (the caller now owns the slot in
  // ticket.assigned) or kExpired.
  ParkTicket::State Leave(ParkTicket& ticket, ParkTicket::State why);

  int parked() const { return parked_.load(std::memory_order_relaxed); }
  // Any thread: whether the revision has ready instances or parked requests.
  bool InUse();

 private:
  InstancePtr PickAndReserve(const InstanceSet& set, int cc, Rng& rng, std::uint32_t& cursor,
                             SteadyTime now, const TriedInstances& tried);
  void DispatchLocked(SteadyTime now);

  const std::string key_;
  std::atomic<int> cc_{0};
  std::atomic<std::int64_t> timeout_ms_{300'000};
  std::atomic<std::int64_t> response_start_ms_{0};
  std::atomic<std::int64_t> idle_ms_{0};
  // Number of waiting tickets (mirrors queue_.size()); read lock-free by the fast path.
  std::atomic<int> parked_{0};
  std::unique_ptr<WorkerView[]> views_;

  std::mutex mu_;
  std::shared_ptr<const InstanceSet> instances_;  // guarded by mu_ (master copy)
  ActivatorQueue queue_;                          // guarded by mu_
  Rng rng_;                                       // guarded by mu_
  std::uint32_t cursor_ = 0;                      // guarded by mu_
};

using RevisionPtr = std::shared_ptr<RevisionState>;

}  // namespace ebb::gateway
