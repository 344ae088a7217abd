#include "gateway/worker.h"

#include <sched.h>
#include <sys/socket.h>

#include <algorithm>
#include <exception>

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
               bool metrics)
    : index_(index),
      limits_(limits),
      callbacks_(callbacks),
      metrics_(metrics),
      io_(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO),
      work_(io_.get_executor()),
      acceptor_(io_.get_executor()),
      pool_(limits.max_idle_upstream),
      rng_(seed) {}

Worker::~Worker() {
  // Sockets and timers must go before the io_context; sessions are gone once the loop ended.
  pool_.Clear();
  routes_.reset();
}

Status Worker::Listen(const boost::asio::ip::tcp::endpoint& endpoint) {
  ErrorCode ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(Acceptor::reuse_address(true), ec);
  if (!ec) {
    int one = 1;
    if (::setsockopt(acceptor_.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one)) {
      ec = ErrorCode(errno, boost::system::system_category());
    }
  }
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(Acceptor::max_listen_connections, ec);
  if (ec) {
    return Status(Code::kUnavailable, "gateway: cannot listen on " +
                                          endpoint.address().to_string() + ":" +
                                          std::to_string(endpoint.port()) + ": " + ec.message());
  }
  return Status::Ok();
}

boost::asio::ip::tcp::endpoint Worker::local_endpoint() const {
  ErrorCode ec;
  return acceptor_.local_endpoint(ec);
}

void Worker::Start() {
  boost::asio::co_spawn(io_.get_executor(), AcceptLoop(), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);  // allocation failure only: fatal
  });
  thread_ = std::thread([this] {
    NameThisThread(("ebb-gateway-" + std::to_string(index_)).c_str());
    io_.run();
    finished_.set_value();
  });
}

void Worker::Join(std::chrono::milliseconds grace) {
  if (!thread_.joinable()) return;
  if (finished_.get_future().wait_for(grace) != std::future_status::ready) io_.stop();
  thread_.join();
}

Task<void> Worker::AcceptLoop() {
  Timer backoff(io_.get_executor());
  for (;;) {
    Socket socket(io_.get_executor());
    ErrorCode ec;
    co_await acceptor_.async_accept(socket, Await(ec));
    if (!acceptor_.is_open()) co_return;
    if (ec) {
      backoff.expires_after(kAcceptBackoff);
      co_await backoff.async_wait(Await(ec));
      continue;
    }
    WorkerCounters::Bump(counters_.connections_accepted);
    std::make_shared<Session>(*this, std::move(socket))->Start();
  }
}

void Worker::BeginStop(std::promise<void> drained) {
  stopping_ = true;
  drained_.emplace(std::move(drained));
  ErrorCode ignored;
  acceptor_.close(ignored);
  // OnStop may close a session, which unregisters it: iterate over a copy.
  std::vector<Session*> sessions(sessions_.begin(), sessions_.end());
  for (Session* session : sessions) session->OnStop();
  CheckDrained();
}

void Worker::ForceStop() {
  std::vector<Session*> sessions(sessions_.begin(), sessions_.end());
  for (Session* session : sessions) session->Abort();
  pool_.Clear();
  work_.reset();  // run() returns once the aborted sessions have unwound
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
