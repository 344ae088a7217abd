// The activator's bounded FIFO of parked requests for one revision (Knative §3.3, buffering).
//
// A request that finds no instance with a free slot parks here as a ParkTicket. The queue is
// bounded by count and by bytes (the request bytes the gateway holds for it); Push fails when
// either bound would be passed (the caller answers 503). Tickets leave in arrival order when
// capacity appears (PopNext), or when their owner gives up (Cancel: deadline, shutdown).
// A ticket whose deadline has passed is never handed capacity: PopNext marks it kExpired.
//
// The queue is a plain data structure: it is not thread-safe; RevisionState guards it with its
// mutex, and ParkTicket::state / assigned are guarded by that same mutex.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>

#include "gateway/instance.h"

namespace ebb::gateway {

using SteadyTime = std::chrono::steady_clock::time_point;

struct ParkTicket {
  enum class State { kWaiting, kAssigned, kExpired, kCancelled };

  std::size_t bytes = 0;  // counted against the queue's byte bound
  SteadyTime deadline;    // no capacity is handed out after this
  // Called (with the revision lock held) when the ticket leaves kWaiting because of the queue
  // (kAssigned or kExpired). Must be cheap and must not call back into the revision: the
  // gateway posts a wake-up to the owner's event loop.
  std::function<void()> wake;

  // Guarded by the owning RevisionState's mutex.
  State state = State::kWaiting;
  InstancePtr assigned;  // the instance whose slot was reserved for this ticket (kAssigned)
};

using TicketPtr = std::shared_ptr<ParkTicket>;

class ActivatorQueue {
 public:
  ActivatorQueue(std::size_t max_requests, std::size_t max_bytes)
      : max_requests_(max_requests), max_bytes_(max_bytes) {}

  // Appends a waiting ticket; false (and no change) when the count or byte bound is reached.
  bool Push(TicketPtr ticket);
  // The oldest waiting ticket whose deadline is after `now`, removed from the queue (still
  // kWaiting: the caller assigns it). Waiting tickets past their deadline that are met on the
  // way are marked kExpired and woken. nullptr when none is left.
  TicketPtr PopNext(SteadyTime now);
  // The owner leaves: a kWaiting ticket becomes `why` (kExpired or kCancelled) and stops
  // counting. Returns false if the ticket was no longer waiting (already assigned/expired).
  bool Cancel(ParkTicket& ticket, ParkTicket::State why);

  std::size_t size() const { return live_count_; }  // waiting tickets
  std::size_t bytes() const { return live_bytes_; }

 private:
  void Forget(ParkTicket& ticket);
  void CompactIfSparse();

  const std::size_t max_requests_;
  const std::size_t max_bytes_;
  // Cancelled tickets stay in `fifo_` until popped or compacted; the live_* counters and the
  // bounds ignore them.
  std::deque<TicketPtr> fifo_;
  std::size_t live_count_ = 0;
  std::size_t live_bytes_ = 0;
};

}  // namespace ebb::gateway
