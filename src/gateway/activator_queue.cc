#include "gateway/activator_queue.h"

#include <algorithm>

namespace ebb::gateway {

bool ActivatorQueue::Push(TicketPtr ticket) {
  if (live_count_ + 1 > max_requests_ || live_bytes_ + ticket->bytes > max_bytes_) return false;
  live_count_ += 1;
  live_bytes_ += ticket->bytes;
  fifo_.push_back(std::move(ticket));
  return true;
}

TicketPtr ActivatorQueue::PopNext(SteadyTime now) {
  while (!fifo_.empty()) {
    TicketPtr ticket = std::move(fifo_.front());
    fifo_.pop_front();
    if (ticket->state != ParkTicket::State::kWaiting) continue;  // cancelled earlier
    Forget(*ticket);
    if (ticket->deadline > now) return ticket;
    ticket->state = ParkTicket::State::kExpired;
    if (ticket->wake) ticket->wake();
  }
  return nullptr;
}

bool ActivatorQueue::Cancel(ParkTicket& ticket, ParkTicket::State why) {
  if (ticket.state != ParkTicket::State::kWaiting) return false;
  ticket.state = why;
  Forget(ticket);
  CompactIfSparse();
  return true;
}

void ActivatorQueue::Forget(ParkTicket& ticket) {
  live_count_ -= 1;
  live_bytes_ -= ticket.bytes;
}

// Cancelled tickets are dropped lazily; when they outnumber the live ones, sweep them so that
// a storm of timeouts with no capacity cannot grow the deque without bound.
void ActivatorQueue::CompactIfSparse() {
  if (fifo_.size() < 64 || fifo_.size() < 2 * live_count_) return;
  std::erase_if(fifo_, [](const TicketPtr& t) { return t->state != ParkTicket::State::kWaiting; });
}

}  // namespace ebb::gateway
