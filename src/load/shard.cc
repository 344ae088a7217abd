#include "load/shard.h"

#include <algorithm>
#include <boost/asio/post.hpp>

namespace ebb::load {
namespace {

namespace asio = boost::asio;
using std::chrono::steady_clock;

// How often the sweeper looks for late exchanges: a twentieth of the timeout, 1-50 ms.
Nanos SweepInterval(Nanos timeout) {
  return std::clamp<Nanos>(timeout / 20, std::chrono::milliseconds(1),
                           std::chrono::milliseconds(50));
}

}  // namespace

Shard::Shard(ShardConfig config, LiveStats& live)
    : config_(std::move(config)),
      live_(live),
      pace_timer_(context_.get_executor()),
      sweep_timer_(context_.get_executor()) {}

Shard::~Shard() {
  if (thread_.joinable()) {
    Abort();
    thread_.join();
  }
}

void Shard::Start() {
  // Every result is kept: reserve the planned share up front instead of doubling under load.
  if (config_.hit_limit != UINT64_MAX) {
    results_.results.reserve(
        std::min<std::uint64_t>(config_.hit_limit / config_.stride + 1, 50'000'000));
  }
  if (config_.closed_loop) {
    scheduling_done_ = true;
    for (int i = 0; i < config_.workers; ++i) SpawnWorker();
  } else {
    Spawn(Pace());
  }
  if (config_.timeout.count() > 0) Spawn(Sweep());
  thread_ = std::thread([this] {
    context_.run();
    if (config_.on_finished) config_.on_finished();
  });
}

void Shard::Stop() {
  asio::post(context_, [this] {
    stopping_ = true;
    pace_timer_.cancel();
  });
}

void Shard::Abort() { context_.stop(); }

ResultSet Shard::Join() {
  if (thread_.joinable()) thread_.join();
  if (failure_) std::rethrow_exception(failure_);
  return std::move(results_);
}

void Shard::Spawn(Task<void> task) {
  asio::co_spawn(context_, std::move(task), [this](std::exception_ptr e) {
    if (!e) return;
    failure_ = e;  // a bug: end the shard and let Join rethrow it
    context_.stop();
  });
}

Task<void> Shard::Pace() {
  Pacer pacer(config_.rate);
  for (std::uint64_t i = config_.index; i < config_.hit_limit && !stopping_; i += config_.stride) {
    SteadyTime due = config_.start + pacer.SendOffset(i);
    if (due > steady_clock::now()) {
      ErrorCode ec;
      pace_timer_.expires_at(due);
      co_await pace_timer_.async_wait(Await(ec));
      if (stopping_) break;
    }
    pending_.push_back(Hit{i, due});
    Dispatch();
  }
  scheduling_done_ = true;
  WakeAll();
  if (live_workers_ == 0) WorkerDone();
}

// A new pending hit: wake an idle connection, else open one if the limit allows; otherwise the
// hit waits for the next connection to finish.
void Shard::Dispatch() {
  if (!idle_.empty()) {
    Slot* slot = idle_.back();
    idle_.pop_back();
    slot->park.cancel();
  } else if (slots_.size() < static_cast<size_t>(config_.max_connections)) {
    SpawnWorker();
  }
}

void Shard::SpawnWorker() {
  slots_.push_back(std::make_unique<Slot>(context_.get_executor(), config_.timeout));
  ++live_workers_;
  Spawn(Worker(*slots_.back()));
}

void Shard::WakeAll() {
  for (Slot* slot : idle_) slot->park.cancel();
  idle_.clear();
}

Task<void> Shard::Worker(Slot& slot) {
  for (;;) {
    std::optional<Hit> hit;
    if (config_.closed_loop) {
      hit = NextClosedHit();
    } else {
      hit = co_await NextOpenHit(slot);
    }
    if (!hit) break;
    co_await Send(slot, *hit);
  }
  slot.connection.Close();
  --live_workers_;
  if (live_workers_ == 0 && scheduling_done_) WorkerDone();
}

Task<std::optional<Shard::Hit>> Shard::NextOpenHit(Slot& slot) {
  while (pending_.empty()) {
    if (scheduling_done_) co_return std::nullopt;
    idle_.push_back(&slot);
    ErrorCode ec;
    slot.park.expires_at(SteadyTime::max());
    co_await slot.park.async_wait(Await(ec));
  }
  Hit hit = pending_.front();
  pending_.pop_front();
  co_return hit;
}

std::optional<Shard::Hit> Shard::NextClosedHit() {
  SteadyTime now = steady_clock::now();
  if (stopping_ || now >= config_.end) return std::nullopt;
  std::uint64_t seq = config_.closed_seq->fetch_add(1, std::memory_order_relaxed);
  if (seq >= config_.hit_limit) return std::nullopt;
  return Hit{seq, now};
}

Task<void> Shard::Send(Slot& slot, const Hit& hit) {
  const std::vector<PreparedTarget>& targets = *config_.targets;
  size_t index = hit.seq % targets.size();
  live_.OnSent();
  ExchangeOutcome outcome = co_await slot.connection.Exchange(targets[index]);
  SteadyTime end = steady_clock::now();
  HitResult r;
  r.timestamp_ns = (hit.scheduled - config_.start).count();
  r.latency_ns = std::chrono::duration_cast<Nanos>(end - hit.scheduled).count();
  r.seq = hit.seq;
  r.bytes_in = static_cast<std::uint32_t>(std::min<std::uint64_t>(outcome.bytes_in, UINT32_MAX));
  r.bytes_out = targets[index].bytes_out;
  r.code = static_cast<std::uint16_t>(outcome.code);
  r.target = static_cast<std::uint16_t>(index);
  r.error = outcome.error.empty() ? 0 : results_.InternError(outcome.error);
  results_.results.push_back(r);
  live_.OnDone(r.latency_ns, r.error != 0);
}

Task<void> Shard::Sweep() {
  Nanos interval = SweepInterval(config_.timeout);
  while (!finished_) {
    ErrorCode ec;
    sweep_timer_.expires_after(interval);
    co_await sweep_timer_.async_wait(Await(ec));
    SteadyTime now = steady_clock::now();
    for (const std::unique_ptr<Slot>& slot : slots_) slot->connection.ExpireIfLate(now);
  }
}

void Shard::WorkerDone() {
  finished_ = true;
  sweep_timer_.cancel();
}

}  // namespace ebb::load
