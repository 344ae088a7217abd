// WatchHub: fans the store's change log out to prefix watches, on one dispatcher thread.
//
// The hub knows nothing of SQLite: it pulls log rows through a LogReader (rows with rev >= from,
// in revision order) whenever a watch is behind the newest committed revision. Each watch keeps
// its own next revision, so a watch that starts in the past replays from the log and then simply
// keeps following it: one code path, no gap, no duplicate. A watch that falls behind the
// compaction point gets on_error(kGone) and is dropped, as on etcd.
//
// Threads: Add/Committed/Cancel may be called from any thread. Callbacks run only on the
// dispatcher thread, one at a time, without any hub lock held. Stop() joins the dispatcher and
// must not be called from a callback.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"

namespace ebb::store {

// One change-log row, as the store recorded it.
struct LogRow {
  Rev rev = 0;
  std::string key;
  std::string value;  // for a delete: the value before it
  bool deleted = false;
  Rev create_rev = 0;
};

// Rows with rev >= from (at most a limit), plus the state they were read at.
struct LogBatch {
  std::vector<LogRow> rows;
  // Every row with from <= rev <= upto has been returned (compacted ones are simply absent).
  Rev upto = 0;
  Rev compacted = 0;  // compaction point at the time of the read
};

class WatchHub {
 public:
  using LogReader = std::function<Result<LogBatch>(Rev from)>;

  // Starts the dispatcher. `committed` is the newest revision already in the log.
  WatchHub(LogReader reader, Rev committed);
  ~WatchHub();  // calls Stop()
  WatchHub(const WatchHub&) = delete;
  WatchHub& operator=(const WatchHub&) = delete;

  // Registers a watch that receives every row with rev >= next_rev whose key starts with prefix.
  // The returned handle keeps `hub` alive and cancels on destruction.
  static std::unique_ptr<Watch> Add(const std::shared_ptr<WatchHub>& hub, std::string prefix,
                                    Rev next_rev, WatchCallbacks cb);
  // Tells the dispatcher that revisions up to `rev` are committed.
  void Committed(Rev rev);
  // Stops dispatching and calls on_error(why) for every remaining watch (on the dispatcher
  // thread, before it exits). Idempotent; blocks until the dispatcher has exited.
  void Stop(const Status& why);

  struct Watcher;  // one registered watch (defined in watch_hub.cc)

 private:
  class Handle;

  void Cancel(const std::shared_ptr<Watcher>& w);
  void Run();
  bool HasWorkLocked() const;
  std::vector<std::shared_ptr<Watcher>> PendingLocked(Rev* min_next) const;
  void DeliverLocked(std::unique_lock<std::mutex>& lock,
                     const std::vector<std::shared_ptr<Watcher>>& watchers, const LogBatch& batch);
  void FailLocked(std::unique_lock<std::mutex>& lock, const std::shared_ptr<Watcher>& w,
                  const Status& why);
  template <typename Fn>
  void CallLocked(std::unique_lock<std::mutex>& lock, const std::shared_ptr<Watcher>& w, Fn&& fn);

  const LogReader reader_;  // called only on the dispatcher thread

  std::mutex mu_;
  std::condition_variable work_cv_;  // dispatcher waits: new commit, new watch, or stop
  std::condition_variable idle_cv_;  // Cancel waits: callback of a watcher finished
  std::vector<std::shared_ptr<Watcher>> watchers_;  // guarded by mu_
  Rev committed_ = 0;                               // guarded by mu_
  bool stopping_ = false;                           // guarded by mu_
  Status stop_reason_;                              // guarded by mu_
  const Watcher* delivering_ = nullptr;             // guarded by mu_: whose callback is running now

  std::mutex stop_mu_;  // serialises Stop() callers around join()
  std::thread thread_;
  std::thread::id dispatcher_id_;  // set once in the constructor
};

}  // namespace ebb::store
