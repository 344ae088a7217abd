#include "controller/work_queue.h"

#include <algorithm>

namespace ebb::controller {

std::string ToString(const Key& key) {
  return std::string(api::Info(key.kind).name) + " " + key.ns + "/" + key.name;
}

void WorkQueue::Add(const Key& key) {
  std::lock_guard<std::mutex> lock(mu_);
  AddLocked(key);
}

void WorkQueue::AddLocked(const Key& key) {
  if (shut_down_) return;
  delayed_.erase(key);
  if (queued_.insert(key).second) {
    ready_.push_back(key);
    cv_.notify_one();
  }
}

void WorkQueue::AddAfter(const Key& key, Duration delay) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shut_down_ || queued_.count(key)) return;
  if (delay <= Duration::zero()) return AddLocked(key);
  auto due = clock_.Steady() + delay;
  auto [it, inserted] = delayed_.emplace(key, due);
  if (!inserted) it->second = std::min(it->second, due);
  cv_.notify_one();  // the worker may need to wait less long now
}

void WorkQueue::AddWithBackoff(const Key& key) {
  int failures;
  {
    std::lock_guard<std::mutex> lock(mu_);
    failures = ++failures_[key];
  }
  AddAfter(key, Backoff(failures));
}

void WorkQueue::Forget(const Key& key) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_.erase(key);
}

WorkQueue::Duration WorkQueue::Backoff(int failures) {
  constexpr auto kBase = std::chrono::milliseconds(10);
  constexpr auto kCap = std::chrono::seconds(60);
  if (failures <= 1) return kBase;
  if (failures > 20) return kCap;  // 10 ms << 13 already exceeds the cap
  return std::min<Duration>(kBase * (1LL << (failures - 1)), kCap);
}

void WorkQueue::PromoteDueLocked() {
  auto now = clock_.Steady();
  for (auto it = delayed_.begin(); it != delayed_.end();) {
    if (it->second <= now) {
      if (queued_.insert(it->first).second) ready_.push_back(it->first);
      it = delayed_.erase(it);
    } else {
      ++it;
    }
  }
}

std::optional<Key> WorkQueue::Pop() {
  std::lock_guard<std::mutex> lock(mu_);
  PromoteDueLocked();
  if (ready_.empty()) return std::nullopt;
  Key key = std::move(ready_.front());
  ready_.pop_front();
  queued_.erase(key);
  return key;
}

std::optional<Key> WorkQueue::WaitPop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (shut_down_) return std::nullopt;
    PromoteDueLocked();
    if (!ready_.empty()) break;
    if (delayed_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto next = std::min_element(delayed_.begin(), delayed_.end(), [](auto& a, auto& b) {
                  return a.second < b.second;
                })->second;
    // Bounded so that a clock that is not the steady clock (a fake) cannot park us for good.
    auto wait = std::clamp<Duration>(next - clock_.Steady(), std::chrono::milliseconds(1),
                                     std::chrono::seconds(1));
    cv_.wait_for(lock, wait);
  }
  Key key = std::move(ready_.front());
  ready_.pop_front();
  queued_.erase(key);
  return key;
}

void WorkQueue::ShutDown() {
  std::lock_guard<std::mutex> lock(mu_);
  shut_down_ = true;
  cv_.notify_all();
}

}  // namespace ebb::controller
