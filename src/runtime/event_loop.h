// EventLoop: the runtime thread's epoll loop — file-descriptor handlers, one-shot timers on
// the Clock's steady time, and tasks posted from other threads (woken through an eventfd).
//
// Run() executes everything on the calling thread until Quit(); it may be run again after. Post,
// Quit and InLoopThread are thread-safe; every other method must be called on the loop thread.
// Handlers and timers may watch, unwatch, schedule and cancel freely, including their own
// registration.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "runtime/fd.h"

namespace ebb::runtime {

class EventLoop {
 public:
  using Handler = std::function<void(std::uint32_t events)>;  // EPOLLIN, EPOLLOUT, EPOLLHUP...
  using TimerId = std::uint64_t;
  using TimePoint = std::chrono::steady_clock::time_point;

  static Result<std::unique_ptr<EventLoop>> Create(const Clock& clock);

  void Run();
  void Quit();
  void Post(std::function<void()> task);
  bool InLoopThread() const;

  // Level-triggered interest in `events` on `fd`, which must stay open until Unwatch.
  Status Watch(int fd, std::uint32_t events, Handler handler);
  void Unwatch(int fd);

  // Runs `fn` once at `when` (Clock::Steady time); ids are never 0, so 0 can mean "none".
  TimerId At(TimePoint when, std::function<void()> fn);
  void Cancel(TimerId id);

  const Clock& clock() const { return clock_; }

 private:
  EventLoop(const Clock& clock, UniqueFd epoll, UniqueFd wake);
  void Dispatch(std::uint64_t token, std::uint32_t events);
  void RunDueTimers();
  void RunPosted();
  // Fills `ts` with the time left to the next timer; false when there is no timer.
  bool NextTimeout(struct timespec* ts) const;

  const Clock& clock_;
  UniqueFd epoll_;
  UniqueFd wake_;  // eventfd
  std::atomic<bool> quit_{false};
  std::atomic<std::thread::id> thread_{};

  std::mutex mu_;
  std::vector<std::function<void()>> posted_;  // guarded by mu_

  // Loop thread only. epoll carries a token rather than the fd, so that an event for an fd
  // that was unwatched (and maybe reused) in the same batch is dropped, not misdelivered.
  struct WatchEntry {
    int fd;
    std::shared_ptr<Handler> handler;
  };
  std::unordered_map<std::uint64_t, WatchEntry> watches_;
  std::unordered_map<int, std::uint64_t> token_of_fd_;
  std::uint64_t next_token_ = 1;
  std::map<std::pair<TimePoint, TimerId>, std::function<void()>> timers_;
  std::unordered_map<TimerId, TimePoint> timer_due_;
  TimerId next_timer_ = 1;
};

}  // namespace ebb::runtime
