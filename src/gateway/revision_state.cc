#include "gateway/revision_state.h"

#include <algorithm>

namespace ebb::gateway {
namespace {

// Attempts at reserving a slot after the balancer chose an instance that filled up meanwhile.
constexpr int kReserveAttempts = 3;

bool SameAddress(const Instance& a, const Instance& b) { return a.ip == b.ip && a.port == b.port; }

}  // namespace

RevisionState::RevisionState(std::string key, int workers, std::size_t queue_max_requests,
                             std::size_t queue_max_bytes, std::uint64_t seed, SteadyTime created)
    : key_(std::move(key)),
      views_(new WorkerView[workers]),
      instances_(std::make_shared<InstanceSet>()),
      queue_(queue_max_requests, queue_max_bytes),
      rng_(seed) {
  for (int i = 0; i < workers; ++i) views_[i].load = LoadAccumulator(created);
}

void RevisionState::Configure(const RevisionConfig& config) {
  cc_.store(std::max(0, config.container_concurrency), std::memory_order_relaxed);
  timeout_ms_.store(config.timeout.count(), std::memory_order_relaxed);
  response_start_ms_.store(config.response_start_timeout.count(), std::memory_order_relaxed);
  idle_ms_.store(config.idle_timeout.count(), std::memory_order_relaxed);
}

RevisionTimeouts RevisionState::timeouts() const {
  return {std::chrono::milliseconds(timeout_ms_.load(std::memory_order_relaxed)),
          std::chrono::milliseconds(response_start_ms_.load(std::memory_order_relaxed)),
          std::chrono::milliseconds(idle_ms_.load(std::memory_order_relaxed))};
}

RevisionState::Published RevisionState::SetInstances(std::vector<InstancePtr> ready,
                                                     SteadyTime now) {
  std::sort(ready.begin(), ready.end(),
            [](const InstancePtr& a, const InstancePtr& b) { return a->id < b->id; });
  std::lock_guard lock(mu_);
  // Keep the Instance objects (and so their in-flight counts) of instances that stay.
  Published out;
  for (InstancePtr& candidate : ready) {
    for (const InstancePtr& old : instances_->items) {
      if (old->id == candidate->id && SameAddress(*old, *candidate)) candidate = old;
    }
  }
  for (const InstancePtr& old : instances_->items) {
    bool kept =
        std::any_of(ready.begin(), ready.end(), [&](const InstancePtr& i) { return i == old; });
    if (!kept) {
      old->removed.store(true);
      out.removed.push_back(old);
    }
  }
  auto set = std::make_shared<InstanceSet>();
  set->items = std::move(ready);
  instances_ = set;
  out.set = std::move(set);
  DispatchLocked(now);
  return out;
}

std::shared_ptr<const InstanceSet> RevisionState::AddInstance(InstancePtr instance,
                                                              SteadyTime now) {
  std::lock_guard lock(mu_);
  for (const InstancePtr& old : instances_->items) {
    if (old->id == instance->id && SameAddress(*old, *instance)) return instances_;
  }
  auto set = std::make_shared<InstanceSet>(*instances_);
  auto at =
      std::lower_bound(set->items.begin(), set->items.end(), instance,
                       [](const InstancePtr& a, const InstancePtr& b) { return a->id < b->id; });
  set->items.insert(at, std::move(instance));
  instances_ = set;
  DispatchLocked(now);
  return set;
}

InstancePtr RevisionState::PickAndReserve(const InstanceSet& set, int cc, Rng& rng,
                                          std::uint32_t& cursor, SteadyTime now,
                                          const TriedInstances& tried) {
  const auto& items = set.items;
  bool saw_ejected = false;
  bool honour_ejection = true;
  auto load = [&](std::size_t i) {
    const Instance& instance = *items[i];
    if (instance.removed.load(std::memory_order_relaxed) || tried.Contains(&instance)) {
      return kUnusable;
    }
    if (honour_ejection && instance.EjectedAt(now)) {
      saw_ejected = true;
      return kUnusable;
    }
    return instance.in_flight.load();
  };
  for (int attempt = 0; attempt < kReserveAttempts; ++attempt) {
    int picked = PickInstance(items.size(), cc, load, rng, cursor);
    if (picked < 0 && saw_ejected && honour_ejection) {
      // Every usable instance was ejected after a failure: trying one beats waiting for none.
      honour_ejection = false;
      picked = PickInstance(items.size(), cc, load, rng, cursor);
    }
    if (picked < 0) return nullptr;
    if (TryReserve(items[picked]->in_flight, cc)) return items[picked];
  }
  return nullptr;
}

InstancePtr RevisionState::TryAcquire(int worker, Rng& rng, SteadyTime now,
                                      const TriedInstances& tried) {
  if (parked_.load() > 0) return nullptr;  // FIFO: parked requests go first
  WorkerView& v = views_[worker];
  if (!v.instances) return nullptr;
  return PickAndReserve(*v.instances, container_concurrency(), rng, v.cursor, now, tried);
}

void RevisionState::Release(Instance& instance, SteadyTime now) {
  instance.in_flight.fetch_sub(1);
  // Pairs with the store of parked_ in Park (both sequentially consistent): either we see the
  // parked request here, or its dispatch sees the slot we just freed.
  if (parked_.load() == 0) return;
  std::lock_guard lock(mu_);
  DispatchLocked(now);
}

RevisionState::ParkResult RevisionState::Park(const TicketPtr& ticket, SteadyTime now,
                                              bool* first) {
  std::lock_guard lock(mu_);
  const bool was_empty = queue_.size() == 0;
  *first = false;
  if (!queue_.Push(ticket)) return ParkResult::kFull;
  parked_.store(static_cast<int>(queue_.size()));
  DispatchLocked(now);
  if (ticket->state == ParkTicket::State::kAssigned) return ParkResult::kAssigned;
  *first = was_empty;
  return ParkResult::kParked;
}

ParkTicket::State RevisionState::Leave(ParkTicket& ticket, ParkTicket::State why) {
  std::lock_guard lock(mu_);
  if (queue_.Cancel(ticket, why)) {
    parked_.store(static_cast<int>(queue_.size()));
    return why;
  }
  return ticket.state;
}

bool RevisionState::InUse() {
  std::lock_guard lock(mu_);
  return !instances_->items.empty() || queue_.size() > 0;
}

void RevisionState::DispatchLocked(SteadyTime now) {
  const int cc = container_concurrency();
  const TriedInstances none;
  while (queue_.size() > 0) {
    InstancePtr instance = PickAndReserve(*instances_, cc, rng_, cursor_, now, none);
    if (!instance) break;
    TicketPtr ticket = queue_.PopNext(now);
    if (!ticket) {
      instance->in_flight.fetch_sub(1);  // everybody left had expired
      break;
    }
    ticket->state = ParkTicket::State::kAssigned;
    ticket->assigned = std::move(instance);
    if (ticket->wake) ticket->wake();
  }
  parked_.store(static_cast<int>(queue_.size()));
}

}  // namespace ebb::gateway
