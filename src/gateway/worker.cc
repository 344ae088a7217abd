#include "gateway/worker.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>

#include <algorithm>
#include <functional>
#include <string_view>
#include <utility>

#include "common/sd_notify.h"
#include "common/thread.h"
#include "gateway/session.h"

namespace ebb::gateway {

namespace {

// Pause before accepting again after a resource error (EMFILE...), instead of spinning.
constexpr std::chrono::milliseconds kAcceptBackoff{10};
// How long after READY=1 a worker reports it (ReadReady).
constexpr std::chrono::milliseconds kReadyReportDelay{1};
// The longest a worker waits for READY=1. An app that does not send it is found by the
// runtime's probe, the default one at most 50 ms after it listens (runtime/policy.h), so a
// longer watch would mostly hold a descriptor; one that sends it late loses that much.
constexpr std::chrono::seconds kReadyWatchMax{10};

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

void Worker::WatchReady(RevisionPtr revision, ColdInstance cold, SteadyTime until) {
  // The socket's mode follows the loop's backend, as Accept and Connect make them.
  int flags = ::fcntl(cold.ready_fd, F_GETFL);
  bool nonblocking = loop_->backend() == ioloop::Backend::kEpoll;
  if (flags >= 0) {
    ::fcntl(cold.ready_fd, F_SETFL, nonblocking ? flags | O_NONBLOCK : flags & ~O_NONBLOCK);
  }
  until = std::min(until, ioloop::TurnTime() + kReadyWatchMax);
  ioloop::Spawn(ReadReady(std::move(revision), std::move(cold), until));
}

Task<void> Worker::ReadReady(RevisionPtr revision, ColdInstance cold, SteadyTime until) {
  Socket socket(*loop_, cold.ready_fd);
  ioloop::Timer give_up(*loop_, [&socket] { socket.Close(); });
  give_up.Arm(until);
  auto settle = [&cold] {
    if (cold.settle) std::exchange(cold.settle, nullptr)();
  };
  ioloop::Timer settle_at(*loop_, settle);
  settle_at.Arm(cold.settle_at);
  ready_watches_.insert(&socket);
  bool ready = false;
  while (!ready) {
    char datagram[512];
    ErrorCode ec;
    std::size_t n = co_await socket.Read(datagram, sizeof datagram, ec);
    if (ec) break;  // closed: given up, or the worker stops
    ready = NotifyPayloadReady(std::string_view(datagram, n));
  }
  ready_watches_.erase(&socket);
  give_up.Cancel();
  SteadyTime at = ioloop::TurnTime();
  auto instance =
      std::make_shared<Instance>(cold.endpoint.id, cold.endpoint.host, cold.endpoint.port);
  if (!ready || instance->address_size == 0) {  // not numeric: SetEndpoints will bring it
    settle();
    co_return;
  }
  revision->view(index_).instances = revision->AddInstance(std::move(instance), at);
  // The report waits until the parked requests are on their way: it wakes the runtime's
  // thread, and on a virtual machine whose idle vCPU is halted the waker pays for that
  // wake-up (~100 us traced inside the eventfd write), which would come between READY=1 and
  // the connect to the app. The ready time reported is still `at`. The start settles first
  // (the runtime learns of an instance before it hears that it is ready).
  co_await Delay(at + kReadyReportDelay);
  settle();
  if (callbacks_.on_instance_ready) {
    callbacks_.on_instance_ready(revision->key(), cold.endpoint.id, at);
  }
}

void Worker::SettleLater(std::function<void()> settle, SteadyTime at) {
  if (settle) ioloop::Spawn(Settle(std::move(settle), at));
}

Task<void> Worker::Settle(std::function<void()> settle, SteadyTime at) {
  co_await Delay(at);
  settle();
}

Task<void> Worker::Delay(SteadyTime at) {
  ioloop::Event due(*loop_);
  ioloop::Timer timer(*loop_, [&due] { due.Notify(); });
  timer.Arm(at);
  delays_.insert(&due);
  co_await due.Wait();
  delays_.erase(&due);
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
  // Each ReadReady and each Delay returns, and so every start settles (a loop's timers do not
  // hold its Run).
  for (Socket* watch : ready_watches_) watch->Close();
  for (ioloop::Event* delay : delays_) delay->Notify();
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
