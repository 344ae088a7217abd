#include "controller/controller.h"

#include <chrono>
#include <cstdio>
#include <utility>

#include "common/thread.h"
#include "controller/meta.h"

namespace ebb::controller {

namespace {

// A runaway write loop in a test should fail the test, not hang it.
constexpr int kMaxReconcilesPerRun = 10000;
// How long RunUntilIdle waits for the store's watch threads to deliver what is stored.
constexpr auto kWatchCatchUp = std::chrono::seconds(10);

}  // namespace

Controller::Controller(registry::Registry& registry, const config::Config& config,
                       const Clock& clock, RevisionHealth& health)
    : registry_(registry), reconciler_(registry, config, clock, health, index_), queue_(clock) {}

Controller::~Controller() { Stop(); }

Status Controller::StartWatches() {
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  if (stopped_) return Status(Code::kUnavailable, "controller stopped");
  if (!watches_.empty()) return Status::Ok();
  for (api::Kind kind : api::kAllKinds) {
    // From "": a synthetic ADDED for every stored object first, so a restarted controller
    // reconciles everything once.
    auto watch = registry_.Watch(kind, "", registry::ListOptions{}, "",
                                 [this, kind](const registry::WatchEvent& e) { OnEvent(kind, e); });
    if (!watch.ok()) {
      watches_.clear();
      return watch.status();
    }
    watches_.push_back(std::move(*watch));
  }
  return Status::Ok();
}

Status Controller::Start() {
  EBB_RETURN_IF_ERROR(StartWatches());
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  if (stopped_) return Status(Code::kUnavailable, "controller stopped");
  if (!worker_.joinable()) worker_ = std::thread([this] {
    NameThisThread("ebb-controller");
    MakeThisThreadBackground();
    WorkerLoop();
  });
  return Status::Ok();
}

void Controller::Stop() {
  std::vector<std::unique_ptr<store::Watch>> watches;
  std::thread worker;
  {
    std::lock_guard<std::mutex> lock(lifecycle_mu_);
    stopped_ = true;
    watches.swap(watches_);
    worker.swap(worker_);
  }
  watches.clear();  // blocks until no callback runs: nothing queues after this
  queue_.ShutDown();
  if (worker.joinable()) worker.join();
}

void Controller::Enqueue(api::Kind kind, std::string ns, std::string name) {
  queue_.Add(Key{kind, std::move(ns), std::move(name)});
}

void Controller::OnEvent(api::Kind kind, const registry::WatchEvent& event) {
  Key key{kind, Namespace(event.object), Name(event.object)};
  const bool deleted = event.type == registry::WatchEvent::Type::kDeleted;
  // The index first: the reconciles queued below read it.
  if (kind == api::Kind::kRevision) index_.OnRevision(event.object, deleted);
  if (kind == api::Kind::kRoute) {
    for (std::string& rev : index_.OnRoute(event.object, deleted)) {
      queue_.Add(Key{api::Kind::kRevision, key.ns, std::move(rev)});  // its routingState
    }
  }
  // Queue before recording the event as seen: RunUntilIdle drains the queue once everything
  // is seen, so the keys must be there by then.
  queue_.Add(key);
  EnqueueDependents(kind, event.object);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (deleted) {
      seen_.erase(key);
    } else {
      seen_[key] = ResourceVersion(event.object);
    }
    ++events_;
  }
  seen_cv_.notify_all();
}

void Controller::EnqueueDependents(api::Kind kind, const nlohmann::json& obj) {
  const std::string ns = Namespace(obj);
  std::string owner;
  switch (kind) {
    case api::Kind::kRevision:
      owner = Label(obj, label::kConfiguration);
      if (!owner.empty()) queue_.Add(Key{api::Kind::kConfiguration, ns, owner});
      EnqueueRoutes(kind, ns, Name(obj));
      break;
    case api::Kind::kConfiguration:
      owner = ControllerName(obj, api::Kind::kService);
      if (!owner.empty()) queue_.Add(Key{api::Kind::kService, ns, owner});
      EnqueueRoutes(kind, ns, Name(obj));
      break;
    case api::Kind::kRoute:
      owner = ControllerName(obj, api::Kind::kService);
      if (!owner.empty()) queue_.Add(Key{api::Kind::kService, ns, owner});
      break;
    case api::Kind::kService:
      break;
  }
}

void Controller::EnqueueRoutes(api::Kind kind, const std::string& ns, const std::string& name) {
  for (std::string& route : index_.RoutesReferencing(kind, ns, name)) {
    queue_.Add(Key{api::Kind::kRoute, ns, std::move(route)});
  }
}

void Controller::Process(const Key& key) {
  Result<Reconciler::Outcome> outcome = reconciler_.Reconcile(key);
  if (!outcome.ok()) {
    const Status& s = outcome.status();
    // Conflicts are the normal price of optimistic concurrency; anything else is worth a line.
    if (s.code() != Code::kConflict) {
      std::fprintf(stderr, "controller: %s: %s\n", ToString(key).c_str(), s.ToString().c_str());
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      errors_[ToString(key)] = s.ToString();
    }
    queue_.AddWithBackoff(key);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    errors_.erase(ToString(key));
  }
  queue_.Forget(key);
  if (outcome->requeue_after.count() > 0) queue_.AddAfter(key, outcome->requeue_after);
}

void Controller::WorkerLoop() {
  // Like Knative's controllers waiting for their informer caches: no reconcile before the
  // watches have delivered what is stored, or a revision reconciled before its route's event
  // arrived would be relabelled reserve (and be open to garbage collection) for a moment.
  WaitForWatches();
  while (std::optional<Key> key = queue_.WaitPop()) Process(*key);
}

int Controller::RunUntilIdle() {
  if (!StartWatches().ok()) return 0;
  int count = 0;
  while (count < kMaxReconcilesPerRun) {
    WaitForWatches();
    int round = 0;
    while (count + round < kMaxReconcilesPerRun) {
      std::optional<Key> key = queue_.Pop();
      if (!key) break;
      Process(*key);
      ++round;
    }
    count += round;
    if (round == 0) break;
  }
  return count;
}

bool Controller::WatchesCaughtUp() {
  std::map<Key, std::string> listed;
  for (api::Kind kind : api::kAllKinds) {
    Result<registry::ObjectList> list = registry_.List(kind, "", registry::ListOptions{});
    if (!list.ok()) return true;  // nothing to wait for that we could know of
    for (const nlohmann::json& item : list->items) {
      listed[Key{kind, Namespace(item), Name(item)}] = ResourceVersion(item);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  return listed == seen_;
}

bool Controller::WaitForWatches() {
  auto deadline = std::chrono::steady_clock::now() + kWatchCatchUp;
  while (true) {
    std::uint64_t before;
    {
      std::lock_guard<std::mutex> lock(mu_);
      before = events_;
    }
    if (WatchesCaughtUp()) return true;
    std::unique_lock<std::mutex> lock(mu_);
    // Woken by the next event (counted, so one delivered between the check and here is not
    // missed), then the check runs again.
    if (!seen_cv_.wait_until(lock, deadline, [&] { return events_ != before; })) return false;
  }
}

std::map<std::string, std::string> Controller::Errors() const {
  std::lock_guard<std::mutex> lock(mu_);
  return errors_;
}

}  // namespace ebb::controller
