#include "gateway/gateway.h"

#include <netdb.h>

#include <cstring>

#include <future>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "gateway/compiled_routes.h"
#include "gateway/worker.h"
#include "tracing/tracer.h"

namespace ebb::gateway {

namespace {

SteadyTime Now() { return std::chrono::steady_clock::now(); }

// After Stop() closed every connection, a worker loop gets this long to unwind.
constexpr std::chrono::seconds kForceStopGrace{2};

Result<boost::asio::ip::tcp::endpoint> ParseListen(const std::string& listen) {
  std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return Status(Code::kBadRequest, "gateway: listen address \"" + listen + "\" needs ip:port");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  ErrorCode ec;
  auto address = boost::asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  int port = -1;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    port = -1;
  }
  if (ec || port < 0 || port > 65535) {
    return Status(Code::kBadRequest, "gateway: bad listen address \"" + listen + "\"");
  }
  return boost::asio::ip::tcp::endpoint(address, static_cast<unsigned short>(port));
}

// The numeric address to connect to; names are resolved here, off the request path.
std::string ResolveHost(const std::string& host) {
  ErrorCode ec;
  boost::asio::ip::make_address(host, ec);
  if (!ec) return host;
  if (host == "localhost") return "127.0.0.1";
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || !found) return "";
  char text[NI_MAXHOST];
  bool ok = ::getnameinfo(found->ai_addr, found->ai_addrlen, text, sizeof text, nullptr, 0,
                          NI_NUMERICHOST) == 0;
  ::freeaddrinfo(found);
  return ok ? text : "";
}

// SO_REUSEPORT would let a second server of the same user share the port silently; a plain
// bind first makes "address in use" an error, as for any server.
Status CheckPortFree(const boost::asio::ip::tcp::endpoint& endpoint) {
  if (endpoint.port() == 0) return Status::Ok();
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor probe(io);
  ErrorCode ec;
  probe.open(endpoint.protocol(), ec);
  if (!ec) probe.set_option(boost::asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) probe.bind(endpoint, ec);
  if (!ec) return Status::Ok();
  return Status(Code::kUnavailable, "gateway: cannot listen on " + endpoint.address().to_string() +
                                        ":" + std::to_string(endpoint.port()) + ": " +
                                        ec.message());
}

}  // namespace

struct Gateway::Impl {
  Options options;
  std::string address;
  std::vector<std::unique_ptr<Worker>> workers;

  mutable std::mutex mu;
  bool stopped = false;                                    // guarded by mu
  bool drained = false;                                    // guarded by mu
  std::unordered_map<std::string, RevisionPtr> revisions;  // guarded by mu
  std::shared_ptr<const RouteTable> routes;                // guarded by mu
  std::mt19937_64 seeds{std::random_device{}()};           // guarded by mu

  RevisionPtr StateLocked(const std::string& key);
  void PruneLocked();
  template <class F>
  void PostToAll(F f);
  void DrainWorkers();
  void JoinWorkers();
};

RevisionPtr Gateway::Impl::StateLocked(const std::string& key) {
  RevisionPtr& state = revisions[key];
  if (!state) {
    state = std::make_shared<RevisionState>(key, static_cast<int>(workers.size()),
                                            options.limits.queue_max_requests,
                                            options.limits.queue_max_bytes, seeds(), Now());
  }
  return state;
}

// Forgets revisions that no route names and that have no instances (requests in flight keep
// their state alive through their own references).
void Gateway::Impl::PruneLocked() {
  std::unordered_set<std::string_view> routed;
  if (routes) {
    for (const RevisionConfig& config : routes->revisions) routed.insert(config.key);
    for (const auto& [host, targets] : routes->hosts) {
      for (const TrafficTarget& target : targets) routed.insert(target.revision);
    }
  }
  std::erase_if(revisions, [&](const auto& entry) {
    return !routed.contains(entry.first) && !entry.second->InUse();
  });
}

template <class F>
void Gateway::Impl::PostToAll(F f) {
  for (auto& worker : workers) {
    worker->loop().Post([f, w = worker.get()] { f(*w); });
  }
}

Gateway::Gateway(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Gateway::~Gateway() { Stop(); }

Result<std::unique_ptr<Gateway>> Gateway::Start(Options options, Callbacks callbacks) {
  auto endpoint = ParseListen(options.listen);
  if (!endpoint.ok()) return endpoint.status();
  EBB_RETURN_IF_ERROR(CheckPortFree(*endpoint));
  int threads = options.threads > 0 ? options.threads : DefaultWorkerCount();
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  sockaddr_storage address{};
  std::memcpy(&address, endpoint->data(), endpoint->size());
  auto size = static_cast<socklen_t>(endpoint->size());
  for (int i = 0; i < std::max(1, threads); ++i) {
    auto loop = ioloop::Loop::Create(impl->options.io);
    if (!loop.ok()) return Status(Code::kUnavailable, "gateway: " + loop.status().message());
    (*loop)->SetBusyPoll(impl->options.busy_poll);
    impl->workers.push_back(std::make_unique<Worker>(i, impl->options.limits, callbacks,
                                                     impl->seeds(), impl->options.metrics,
                                                     std::move(*loop)));
    tracing::Tracer* tracer = impl->options.tracer;
    if (tracer != nullptr && tracer->enabled()) {
      impl->workers.back()->set_tracer(tracer->NewWorker());
    }
    // The first bind picks the port when 0 was asked; the others share it (SO_REUSEPORT).
    Status listened = impl->workers.back()->Listen(address, size);
    if (!listened.ok()) {
      return Status(Code::kUnavailable, "gateway: cannot listen on " + impl->options.listen +
                                            ": " + listened.message());
    }
    if (i == 0) {
      endpoint->port(static_cast<unsigned short>(impl->workers.front()->port()));
      std::memcpy(&address, endpoint->data(), endpoint->size());
    }
  }
  impl->address = endpoint->address().to_string() + ":" + std::to_string(endpoint->port());
  for (auto& worker : impl->workers) worker->Start();
  return std::unique_ptr<Gateway>(new Gateway(std::move(impl)));
}

std::string Gateway::address() const { return impl_->address; }

void Gateway::SetRoutes(std::shared_ptr<const RouteTable> routes) {
  std::lock_guard lock(impl_->mu);
  if (impl_->stopped) return;
  for (const RevisionConfig& config : routes->revisions) {
    impl_->StateLocked(config.key)->Configure(config);
  }
  auto compiled = std::make_shared<const CompiledRoutes>(
      *routes, [&](const std::string& key) { return impl_->StateLocked(key); });
  impl_->routes = std::move(routes);
  impl_->PruneLocked();
  impl_->PostToAll([compiled](Worker& w) { w.set_routes(compiled); });
}

void Gateway::SetEndpoints(const std::string& revision, std::vector<Endpoint> ready) {
  std::vector<InstancePtr> instances;
  for (Endpoint& endpoint : ready) {
    std::string ip = ResolveHost(endpoint.host);
    if (ip.empty() || endpoint.port <= 0 || endpoint.port > 65535) continue;
    instances.push_back(std::make_shared<Instance>(std::move(endpoint.id), ip, endpoint.port));
  }
  std::lock_guard lock(impl_->mu);
  if (impl_->stopped) return;
  RevisionPtr state = impl_->StateLocked(revision);
  RevisionState::Published published = state->SetInstances(std::move(instances), Now());
  impl_->PostToAll([state, published](Worker& w) {
    state->view(w.index()).instances = published.set;
    for (const InstancePtr& gone : published.removed) w.pool().Drop(gone.get());
  });
}

namespace {

// Shared by Collect and the closures it posts, which may outlive a Collect that gave up.
struct Collection {
  std::mutex mu;
  std::vector<RevisionPtr> states;
  std::vector<RevisionLoad> loads;  // guarded by mu

  void AddWorker(int worker) {
    SteadyTime now = Now();
    std::lock_guard lock(mu);
    for (std::size_t i = 0; i < states.size(); ++i) {
      LoadWindow window = states[i]->view(worker).load.Take(now);
      loads[i].average_concurrency += window.average_concurrency;
      loads[i].requests += window.requests;
      loads[i].in_flight += window.in_flight;
    }
  }
};

// A worker that does not answer in this time is left out of a collection.
constexpr std::chrono::seconds kCollectWait{2};

}  // namespace

std::vector<RevisionLoad> Gateway::Collect() {
  auto collection = std::make_shared<Collection>();
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped) return {};
    for (const auto& [key, state] : impl_->revisions) collection->states.push_back(state);
  }
  for (const RevisionPtr& state : collection->states) {
    collection->loads.push_back(RevisionLoad{state->key()});
  }
  std::vector<std::future<void>> done;
  for (auto& worker : impl_->workers) {
    auto promise = std::make_shared<std::promise<void>>();
    done.push_back(promise->get_future());
    worker->loop().Post([collection, promise, w = worker.get()] {
      collection->AddWorker(w->index());
      promise->set_value();
    });
  }
  auto deadline = std::chrono::steady_clock::now() + kCollectWait;
  for (auto& f : done) f.wait_until(deadline);
  std::lock_guard lock(collection->mu);
  std::vector<RevisionLoad> loads = collection->loads;
  std::erase_if(loads, [](const RevisionLoad& l) {
    return l.requests == 0 && l.in_flight == 0 && l.average_concurrency == 0;
  });
  return loads;
}

GatewayStats Gateway::Stats() const {
  GatewayStats stats;
  for (const auto& worker : impl_->workers) worker->counters().AddTo(stats);
  return stats;
}

std::vector<RevisionMetrics> Gateway::Metrics() const {
  std::vector<RevisionPtr> states;
  {
    std::lock_guard lock(impl_->mu);
    for (const auto& [key, state] : impl_->revisions) states.push_back(state);
  }
  std::vector<RevisionMetrics> out;
  for (const RevisionPtr& state : states) {
    RevisionMetrics& m = out.emplace_back(RevisionMetrics{state->key(), {}, state->parked()});
    // The workers' RequestStats are single-writer atomics: read in place, no post.
    for (std::size_t w = 0; w < impl_->workers.size(); ++w) {
      state->view(static_cast<int>(w)).requests.AddTo(m.requests);
    }
  }
  return out;
}

void Gateway::Drain() {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped || impl_->drained) return;
    impl_->drained = true;
  }
  impl_->DrainWorkers();
}

void Gateway::Stop() {
  Drain();
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped) return;
    impl_->stopped = true;
  }
  impl_->JoinWorkers();
  std::lock_guard lock(impl_->mu);
  impl_->revisions.clear();
}

void Gateway::Impl::DrainWorkers() {
  for (auto& worker : workers) worker->MarkStopping();
  std::vector<std::future<void>> drained;
  for (auto& worker : workers) {
    std::promise<void> promise;
    drained.push_back(promise.get_future());
    worker->loop().Post(
        [w = worker.get(), p = std::make_shared<std::promise<void>>(std::move(promise))]() mutable {
          w->BeginStop(std::move(*p));
        });
  }
  auto deadline = std::chrono::steady_clock::now() + options.limits.drain_timeout;
  for (auto& f : drained) f.wait_until(deadline);
}

void Gateway::Impl::JoinWorkers() {
  for (auto& worker : workers) {
    worker->loop().Post([w = worker.get()] { w->ForceStop(); });
  }
  for (auto& worker : workers) worker->Join(kForceStopGrace);
}

}  // namespace ebb::gateway
