// WorkQueue: the controller's queue of object keys to reconcile (client-go's workqueue, cut
// down to what one worker needs).
//
// - A key is queued at most once: adding a key that is already waiting does nothing, so a
//   burst of watch events for one object costs one reconcile.
// - Delayed keys (AddAfter, AddWithBackoff) become ready when the Clock's steady time reaches
//   their due time; adding a key now supersedes its delay.
// - AddWithBackoff doubles the delay on each consecutive failure of a key (10 ms up to 60 s);
//   Forget resets it after a success.
//
// Thread-safety: all methods may be called from any thread (watch callbacks add, the worker
// pops). WaitPop blocks; the others do not.
#pragma once

#include <chrono>
#include <compare>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "api/kinds.h"
#include "common/clock.h"

namespace ebb::controller {

struct Key {
  api::Kind kind;
  std::string ns;
  std::string name;
  auto operator<=>(const Key&) const = default;
  bool operator==(const Key&) const = default;
};

// "Service default/hello", for messages.
std::string ToString(const Key& key);

class WorkQueue {
 public:
  using Duration = std::chrono::steady_clock::duration;

  explicit WorkQueue(const Clock& clock) : clock_(clock) {}

  void Add(const Key& key);
  void AddAfter(const Key& key, Duration delay);
  void AddWithBackoff(const Key& key);
  void Forget(const Key& key);

  // The next ready key, or nullopt when none is ready now.
  std::optional<Key> Pop();
  // Blocks until a key is ready (returning it) or ShutDown was called (nullopt).
  std::optional<Key> WaitPop();
  // Wakes WaitPop for good; later adds are dropped.
  void ShutDown();

  // The delay for a key that has failed `failures` times in a row (>= 1).
  static Duration Backoff(int failures);

 private:
  void AddLocked(const Key& key);
  void PromoteDueLocked();

  const Clock& clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Key> ready_;                                         // guarded by mu_
  std::set<Key> queued_;                                          // keys in ready_; mu_
  std::map<Key, std::chrono::steady_clock::time_point> delayed_;  // mu_
  std::map<Key, int> failures_;                                   // mu_
  bool shut_down_ = false;                                        // mu_
};

}  // namespace ebb::controller
