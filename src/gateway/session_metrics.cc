// The request path's side of /metrics: each request is counted once, at its end, in the
// worker's own RequestStats for its revision (single-writer relaxed atomics: no lock, no
// allocation); parked requests also record their queue wait; and a request that parked while
// its worker knew no ready instance reports its first response byte, which ends a cold start.
#include "gateway/session.h"
#include "gateway/worker.h"

namespace ebb::gateway {

namespace {

// The loop's turn time: a request's timestamps need no clock read each (ioloop::TurnTime).
SteadyTime Now() { return ioloop::TurnTime(); }

std::int64_t Nanos(SteadyTime::duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

}  // namespace

// The status the client got: the gateway's own reply, else the instance's final status once
// any of it was written, else 0 (the client left, or the connection was cut, before a byte).
void Session::RecordRequest(SteadyTime end) {
  if (!worker_.metrics()) return;
  int status = reply_status_ != 0 ? reply_status_ : wrote_response_ ? response_head_.status : 0;
  revision_->view(worker_.index()).requests.Record(status, Nanos(end - arrival_), parked_);
}

void Session::NoteParked() {
  if (!worker_.metrics()) return;
  const auto& ready = revision_->view(worker_.index()).instances;
  parked_ = true;
  parked_cold_ = parked_cold_ || !ready || ready->items.empty();
  parked_at_ = Now();
}

void Session::NoteUnparked() {
  if (!parked_) return;
  revision_->view(worker_.index()).requests.RecordQueueWait(Nanos(Now() - parked_at_));
}

// Only cold-start requests report, so the callback (which takes the serving plane's lock) is
// never on the path of ordinary requests.
void Session::NoteFirstByte() {
  if (!parked_cold_ || !worker_.callbacks().on_cold_response) return;
  worker_.callbacks().on_cold_response(revision_->key(), Now());
}

}  // namespace ebb::gateway
