#include "store/watch_hub.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "common/thread.h"

namespace ebb::store {

struct WatchHub::Watcher {
  std::string prefix;
  WatchCallbacks cb;
  Rev next_rev = 0;        // guarded by WatchHub::mu_; the next revision this watch needs
  bool cancelled = false;  // guarded by WatchHub::mu_; no callback is started once set
};

class WatchHub::Handle : public Watch {
 public:
  Handle(std::shared_ptr<WatchHub> hub, std::shared_ptr<Watcher> w)
      : hub_(std::move(hub)), w_(std::move(w)) {}
  ~Handle() override { hub_->Cancel(w_); }

 private:
  std::shared_ptr<WatchHub> hub_;
  std::shared_ptr<Watcher> w_;
};

namespace {

Event ToEvent(const LogRow& row) {
  Event ev;
  ev.type = row.deleted ? Event::Type::kDelete : Event::Type::kPut;
  ev.kv = KV{row.key, row.value, row.create_rev, row.rev};
  return ev;
}

}  // namespace

WatchHub::WatchHub(LogReader reader, Rev committed)
    : reader_(std::move(reader)), committed_(committed) {
  thread_ = std::thread([this] {
    NameThisThread("ebb-watch-hub");
    MakeThisThreadBackground();
    Run();
  });
  dispatcher_id_ = thread_.get_id();
}

WatchHub::~WatchHub() { Stop(Status(Code::kUnavailable, "store closed")); }

std::unique_ptr<Watch> WatchHub::Add(const std::shared_ptr<WatchHub>& hub, std::string prefix,
                                     Rev next_rev, WatchCallbacks cb) {
  auto w = std::make_shared<Watcher>();
  w->prefix = std::move(prefix);
  w->cb = std::move(cb);
  w->next_rev = next_rev;
  {
    std::lock_guard lock(hub->mu_);
    hub->watchers_.push_back(w);
  }
  hub->work_cv_.notify_one();
  return std::make_unique<Handle>(hub, std::move(w));
}

void WatchHub::Committed(Rev rev) {
  {
    std::lock_guard lock(mu_);
    committed_ = std::max(committed_, rev);
  }
  work_cv_.notify_one();
}

void WatchHub::Stop(const Status& why) {
  std::lock_guard stop_lock(stop_mu_);
  {
    std::lock_guard lock(mu_);
    if (!stopping_) stop_reason_ = why;
    stopping_ = true;
  }
  work_cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void WatchHub::Cancel(const std::shared_ptr<Watcher>& w) {
  std::unique_lock lock(mu_);
  w->cancelled = true;
  std::erase(watchers_, w);
  // On the dispatcher thread (a callback destroying a watch) nothing else can be running; the
  // dispatcher checks `cancelled` before every call, so returning at once is safe.
  if (std::this_thread::get_id() == dispatcher_id_) return;
  idle_cv_.wait(lock, [&] { return delivering_ != w.get(); });
}

void WatchHub::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    work_cv_.wait(lock, [this] { return stopping_ || HasWorkLocked(); });
    if (stopping_) break;
    Rev min_next = 0;
    std::vector<std::shared_ptr<Watcher>> pending = PendingLocked(&min_next);
    lock.unlock();
    Result<LogBatch> batch = reader_(min_next);
    lock.lock();
    if (!batch.ok()) {
      // The log cannot be read: these watches cannot continue without a gap.
      for (const auto& w : pending) FailLocked(lock, w, batch.status());
      continue;
    }
    DeliverLocked(lock, pending, *batch);
  }
  Status why = stop_reason_;
  std::vector<std::shared_ptr<Watcher>> remaining = watchers_;
  for (const auto& w : remaining) FailLocked(lock, w, why);
}

bool WatchHub::HasWorkLocked() const {
  return std::any_of(watchers_.begin(), watchers_.end(),
                     [this](const auto& w) { return w->next_rev <= committed_; });
}

std::vector<std::shared_ptr<WatchHub::Watcher>> WatchHub::PendingLocked(Rev* min_next) const {
  std::vector<std::shared_ptr<Watcher>> pending;
  for (const auto& w : watchers_) {
    if (w->next_rev > committed_) continue;
    *min_next = pending.empty() ? w->next_rev : std::min(*min_next, w->next_rev);
    pending.push_back(w);
  }
  return pending;
}

void WatchHub::DeliverLocked(std::unique_lock<std::mutex>& lock,
                             const std::vector<std::shared_ptr<Watcher>>& watchers,
                             const LogBatch& batch) {
  for (const auto& w : watchers) {
    if (!w->cancelled && w->next_rev < batch.compacted) {
      FailLocked(lock, w,
                 Status(Code::kGone, "required revision " + std::to_string(w->next_rev) +
                                         " has been compacted (at " +
                                         std::to_string(batch.compacted) + ")"));
    }
  }
  for (const LogRow& row : batch.rows) {
    std::optional<Event> event;  // built once per row, and only if some watch wants it
    for (const auto& w : watchers) {
      if (w->cancelled || row.rev < w->next_rev || !row.key.starts_with(w->prefix)) continue;
      if (!event) event = ToEvent(row);
      if (w->cb.on_event) CallLocked(lock, w, [&] { w->cb.on_event(*event); });
    }
  }
  for (const auto& w : watchers) w->next_rev = std::max(w->next_rev, batch.upto + 1);
}

void WatchHub::FailLocked(std::unique_lock<std::mutex>& lock, const std::shared_ptr<Watcher>& w,
                          const Status& why) {
  if (w->cancelled) return;
  w->cancelled = true;
  std::erase(watchers_, w);
  if (w->cb.on_error) CallLocked(lock, w, [&] { w->cb.on_error(why); });
}

// Runs fn without the lock, marking w as the watcher being delivered to so that Cancel() from
// another thread waits for it to return.
template <typename Fn>
void WatchHub::CallLocked(std::unique_lock<std::mutex>& lock, const std::shared_ptr<Watcher>& w,
                          Fn&& fn) {
  delivering_ = w.get();
  lock.unlock();
  fn();
  lock.lock();
  delivering_ = nullptr;
  idle_cv_.notify_all();
}

}  // namespace ebb::store
