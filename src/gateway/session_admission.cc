// Getting a request an instance: the breaker's fast path, parking in the activator queue,
// connecting (pooled or fresh), and retrying elsewhere when a connect fails.

#include "gateway/session.h"
#include "gateway/worker.h"

namespace ebb::gateway {

namespace {

// The loop's turn time: a request's timestamps need no clock read each (ioloop::TurnTime).
SteadyTime Now() { return ioloop::TurnTime(); }

// True when every instance of the worker's view is one this request already failed on.
bool AllTried(const RevisionState::WorkerView& view, const TriedInstances& tried) {
  if (tried.count() == 0 || !view.instances) return false;
  for (const InstancePtr& instance : view.instances->items) {
    if (!tried.Contains(instance.get())) return false;
  }
  return true;
}

}  // namespace

// Admission and connection with retries; then the exchange. Returns keep-alive.
Task<bool> Session::Proxy() {
  TriedInstances tried;
  for (;;) {
    instance_ = revision_->TryAcquire(worker_.index(), worker_.rng(), Now(), tried);
    if (!instance_) {
      if (AllTried(revision_->view(worker_.index()), tried) || tried.full()) {
        WorkerCounters::Bump(worker_.counters().responses_bad_gateway);
        co_return co_await SendReply(502);
      }
      instance_ = co_await Park();
      if (!instance_) co_return reply_keep_alive_;
    }
    TraceCallStart();
    Connected connected = TakePooled() ? Connected::kYes : co_await ConnectFresh();
    if (connected == Connected::kYes) break;
    const Instance* failed = instance_.get();
    ReleaseInstance();
    if (connected == Connected::kAborted) co_return false;
    if (connected == Connected::kTimedOut) {
      WorkerCounters::Bump(worker_.counters().responses_timeout);
      co_return co_await SendReply(504);
    }
    tried.Add(failed);
  }
  bool keep_alive = co_await Exchange();
  ReleaseInstance();
  co_return keep_alive;
}

void Session::ReleaseInstance() {
  if (!instance_) return;
  revision_->Release(*instance_, Now());
  instance_.reset();
}

// A ticket for this request. Its wake-up runs on any thread: it posts to this worker and
// holds only a weak reference, so a connection that closed meanwhile is simply not woken.
TicketPtr Session::NewTicket() {
  auto ticket = std::make_shared<ParkTicket>();
  ticket->bytes = in_.size();
  ticket->deadline = RequestDeadline();
  ticket->wake = [weak = weak_from_this(), seq = ++park_seq_, loop = &worker_.loop()] {
    loop->Post([weak, seq] {
      if (auto self = weak.lock()) self->OnWake(seq);
    });
  };
  return ticket;
}

// Parks the request until capacity is handed to it (returns the instance, slot reserved) or
// it gives up (returns nullptr after answering 503/504, or on abort).
Task<InstancePtr> Session::Park() {
  TicketPtr ticket = NewTicket();
  bool first = false;
  auto parked = revision_->Park(ticket, Now(), &first);
  if (parked == RevisionState::ParkResult::kFull) {
    WorkerCounters::Bump(worker_.counters().responses_queue_full);
    reply_keep_alive_ = co_await SendReply(503);
    co_return nullptr;
  }
  WorkerCounters::Bump(worker_.counters().requests_parked);
  NoteParked();
  if (first) Demand();
  if (parked == RevisionState::ParkResult::kParked) {
    phase_ = Phase::kParked;
    TraceParkStart();
    SetDeadline(ticket->deadline);
    park_event_.Reset();
    co_await park_event_.Wait();
  }
  using State = ParkTicket::State;
  State state = revision_->Leave(*ticket, aborted_ ? State::kCancelled : State::kExpired);
  NoteUnparked();
  TraceParkEnd();
  if (state == State::kAssigned) {
    if (!aborted_ && Now() < ticket->deadline) co_return std::move(ticket->assigned);
    revision_->Release(*ticket->assigned, Now());  // woke too late to use it
    state = aborted_ ? State::kCancelled : State::kExpired;
  }
  if (state == State::kCancelled || aborted_) {
    reply_keep_alive_ = false;
    co_return nullptr;
  }
  WorkerCounters::Bump(worker_.counters().responses_timeout);
  reply_keep_alive_ = co_await SendReply(504);
  co_return nullptr;
}

// The first parked request of a revision: the demand callback pokes the autoscaler and, when
// this worker knows no ready instance, may start one here. One that accepts connections
// already (socket activation) is this worker's at once (the parked request is handed to it);
// one that binds its own port is once its READY=1 has come (Worker::WatchReady). The other
// workers learn of it through SetEndpoints once the runtime reports it. The rest of the start
// (ColdInstance::settle) waits while the app starts.
void Session::Demand() {
  const auto& on_demand = worker_.callbacks().on_demand;
  if (!on_demand) return;
  const auto& known = revision_->view(worker_.index()).instances;
  std::optional<ColdInstance> cold = on_demand(revision_->key(), !known || known->items.empty());
  if (!cold) return;
  if (cold->ready_fd >= 0) {
    return worker_.WatchReady(revision_, std::move(*cold), RequestDeadline());
  }
  worker_.SettleLater(std::move(cold->settle), cold->settle_at);
  const Endpoint& started = cold->endpoint;
  auto instance = std::make_shared<Instance>(started.id, started.host, started.port);
  if (instance->address_size == 0) return;  // not numeric: wait for SetEndpoints
  revision_->view(worker_.index()).instances = revision_->AddInstance(std::move(instance), Now());
}

void Session::OnWake(std::uint64_t seq) {
  if (seq == park_seq_ && phase_ == Phase::kParked) park_event_.Notify();
}

bool Session::TakePooled() {
  std::optional<Socket> pooled = worker_.pool().Take(instance_);
  from_pool_ = pooled.has_value();
  if (from_pool_) upstream_ = std::move(*pooled);
  return from_pool_;
}

Task<Session::Connected> Session::ConnectFresh() {
  phase_ = Phase::kConnect;
  from_pool_ = false;
  SetDeadline(std::min(RequestDeadline(), Now() + worker_.limits().connect_timeout));
  ErrorCode ec;
  co_await Socket::Connect(worker_.loop(), instance_->address, instance_->address_size,
                           upstream_, ec);
  if (aborted_) co_return Connected::kAborted;
  if (!ec) {
    upstream_.SetNoDelay();
    WorkerCounters::Bump(worker_.counters().upstream_connects);
    co_return Connected::kYes;
  }
  if (timed_out_) co_return Connected::kTimedOut;
  WorkerCounters::Bump(worker_.counters().upstream_connect_failures);
  auto until = Now() + worker_.limits().eject_duration;
  instance_->ejected_until_ns.store(until.time_since_epoch().count(), std::memory_order_relaxed);
  if (worker_.callbacks().on_instance_failure) {
    worker_.callbacks().on_instance_failure(revision_->key(), instance_->id);
  }
  co_return Connected::kFailed;
}

}  // namespace ebb::gateway
