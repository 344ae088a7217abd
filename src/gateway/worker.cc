#include "gateway/worker.h"

#include <sched.h>
#include <sys/socket.h>

#include <algorithm>

#include "common/thread.h"
#include "gateway/session.h"

namespace ebb::gateway {

namespace {

// Pause before accepting again after a resource error (EMFILE...), instead of spinning.
constexpr std::chrono::milliseconds kAcceptBackoff{10};

void Add(std::uint64_t& sum, const std::atomic<std::uint64_t>& counter) {
  sum += counter.load(std::memory_order_relaxed);
}

}  // namespace

int DefaultWorkerCount() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

void WorkerCounters::AddTo(GatewayStats& s) const {
  Add(s.connections_accepted, connections_accepted);
  Add(s.requests, requests);
  Add(s.requests_parked, requests_parked);
  Add(s.responses_not_found, responses_not_found);
  Add(s.responses_bad_request, responses_bad_request);
  Add(s.responses_queue_full, responses_queue_full);
  Add(s.responses_timeout, responses_timeout);
  Add(s.responses_bad_gateway, responses_bad_gateway);
  Add(s.upstream_connects, upstream_connects);
  Add(s.upstream_connect_failures, upstream_connect_failures);
}

Worker::Worker(int index, const Limits& limits, const Callbacks& callbacks, std::uint64_t seed,
               bool metrics, std::unique_ptr<ioloop::Loop> loop)
    : index_(index),
      limits_(limits),
      callbacks_(callbacks),
      metrics_(metrics),
      loop_(std::move(loop)),
      acceptor_(*loop_),
      pool_(limits.max_idle_upstream),
      rng_(seed) {}

Worker::~Worker() {
  // Sockets go before the loop; sessions are gone once the loop ended.
  acceptor_.Close();
  pool_.Clear();
  routes_.reset();
}

Status Worker::Listen(const sockaddr_storage& address, socklen_t size) {
  return acceptor_.Listen(address, size);
}

void Worker::Start() {
  thread_ = std::thread([this] {
    NameThisThread(("ebb-gateway-" + std::to_string(index_)).c_str());
    if (callbacks().on_worker_start) callbacks().on_worker_start();
    ioloop::Spawn(AcceptLoop());
    loop_->Run();
    finished_.set_value();
  });
}

void Worker::Join(std::chrono::milliseconds grace) {
  if (!thread_.joinable()) return;
  if (finished_.get_future().wait_for(grace) != std::future_status::ready) loop_->StopNow();
  thread_.join();
}

Task<void> Worker::AcceptLoop() {
  ioloop::Event backed_off(*loop_);
  ioloop::Timer backoff(*loop_, [&backed_off] { backed_off.Notify(); });
  for (;;) {
    ErrorCode ec;
    sockaddr_storage peer;
    Socket socket = co_await acceptor_.Accept(ec, &peer);
    if (!acceptor_.is_open()) co_return;
    if (ec) {
      backoff.Arm(std::chrono::steady_clock::now() + kAcceptBackoff);
      co_await backed_off.Wait();
      continue;
    }
    WorkerCounters::Bump(counters_.connections_accepted);
    std::make_shared<Session>(*this, std::move(socket), peer)->Start();
  }
}

void Worker::BeginStop(std::promise<void> drained) {
  MarkStopping();
  drained_.emplace(std::move(drained));
  acceptor_.Close();
  // OnStop may close a session, which unregisters it: iterate over a copy.
  std::vector<Session*> sessions(sessions_.begin(), sessions_.end());
  for (Session* session : sessions) session->OnStop();
  CheckDrained();
}

void Worker::ForceStop() {
  std::vector<Session*> sessions(sessions_.begin(), sessions_.end());
  for (Session* session : sessions) session->Abort();
  acceptor_.Close();
  pool_.Clear();
  loop_->Stop();  // Run() returns once the aborted sessions have unwound
}

void Worker::Unregister(Session* session) {
  sessions_.erase(session);
  CheckDrained();
}

void Worker::CheckDrained() {
  if (drained_ && sessions_.empty()) {
    drained_->set_value();
    drained_.reset();
  }
}

}  // namespace ebb::gateway
