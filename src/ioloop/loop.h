// ioloop: the gateway's own event loop, on io_uring with an epoll fallback.
//
// Why not Boost.Asio: a byte relay on asio costs 0.81x nginx's CPU per proxied request on
// these machines before it does any HTTP work, one on raw epoll 0.71x and one on io_uring
// 0.64x (bench/relay_floor.cc, bench/proxy-peers.sh). The gateway's goal is 0.8x with its HTTP
// work included, which leaves asio out.
//
// One Loop per thread. Coroutines (task.h) await socket operations, which complete on the
// loop's thread:
//   io_uring  one ring per loop (SINGLE_ISSUER | DEFER_TASKRUN): every operation, sends
//             included, is queued and the whole batch submitted and reaped in one
//             io_uring_enter per turn. (Trying each send first with a plain send() cost the
//             gateway 13 % more CPU per request: bench/gateway-ab.sh, B/A 0.886 for the ring.)
//   epoll     edge-triggered, each socket registered once; an operation is tried at once
//             unless the socket is known to be drained, and waits for the edge otherwise.
// Backend::kAuto takes io_uring when the kernel allows it (it can be disabled by sysctl or a
// seccomp filter) and epoll otherwise.
//
// Timers are kept in a heap inside the loop and bound the wait. Other threads reach a loop only
// through Post, which queues a function and wakes the loop with an eventfd.
//
// Cancellation: Socket::Cancel makes the socket's pending operations complete with
// ECANCELED; Close cancels and closes. A coroutine therefore always resumes from an operation
// it awaits, and its frame outlives every buffer the kernel might still use.
//
// Thread-safety: everything here except Loop::Post is for the loop's own thread.
#pragma once

#include <netinet/in.h>
#include <sys/uio.h>

#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <boost/system/error_code.hpp>

#include "common/status.h"
#include "ioloop/backend.h"

namespace ebb::ioloop {

using ErrorCode = boost::system::error_code;
using SteadyTime = std::chrono::steady_clock::time_point;

class Loop;

// On a loop's thread: the time its current turn began (read once when the wait returned), so
// that the many timestamps of a request cost no clock reads. Elsewhere: steady_clock::now().
SteadyTime TurnTime();

// One pending kernel operation. `complete` runs on the loop thread with the result (a byte
// count, a file descriptor, or -errno).
struct Op {
  void (*complete)(Op& op, int result) = nullptr;
};

// A one-shot deadline with a fixed callback, kept in the loop's heap while armed.
class Timer {
 public:
  Timer(Loop& loop, std::function<void()> on_expiry);
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  // (Re)arms: the callback runs once `at` has passed, unless cancelled before.
  void Arm(SteadyTime at);
  void Cancel();
  bool armed() const { return heap_index_ != kNotArmed; }
  SteadyTime at() const { return at_; }

 private:
  friend class Loop;
  static constexpr std::size_t kNotArmed = ~std::size_t{0};
  Loop& loop_;
  std::function<void()> on_expiry_;
  SteadyTime at_{};
  std::size_t heap_index_ = kNotArmed;
};

// A wake-up for one waiting coroutine: Wait() suspends until Notify(); a Notify with nobody
// waiting is remembered for the next Wait.
class Event {
 public:
  explicit Event(Loop& loop) : loop_(loop) {}
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  void Notify();
  void Reset() { notified_ = false; }

  struct Awaiter {
    Event& event;
    bool await_ready() const noexcept { return std::exchange(event.notified_, false); }
    void await_suspend(std::coroutine_handle<> waiter) noexcept { event.waiter_ = waiter; }
    void await_resume() noexcept {}
  };
  Awaiter Wait() { return Awaiter{*this}; }

 private:
  Loop& loop_;
  std::coroutine_handle<> waiter_;
  bool notified_ = false;
};

class Loop {
 public:
  // A loop on `backend` (kAuto: io_uring if available). kUnavailable with the reason when the
  // backend asked for cannot be set up.
  static Result<std::unique_ptr<Loop>> Create(Backend backend = Backend::kAuto);
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  Backend backend() const { return backend_; }

  // Runs until Stop() and then every operation in flight has completed (the coroutines that
  // awaited them have run on), or until StopNow(). Once only: an io_uring loop closes its ring
  // on the way out.
  void Run();
  // Loop thread: finish once the work in flight is done.
  void Stop() { stopping_ = true; }
  // Any thread: return from Run at the next turn, leaving whatever is pending.
  void StopNow();

  // Any thread: runs `fn` on the loop thread at its next turn.
  void Post(std::function<void()> fn);
  // Loop thread: resumes `handle` at the next turn (after the current callback returns).
  void Defer(std::coroutine_handle<> handle) { ready_.push_back(handle); }

  // Busy-polling: when the loop has nothing to do but a prompt read (Socket::set_prompt) is
  // pending, it polls for completions for up to its window, yielding the CPU to anything else
  // runnable between polls, before it sleeps. Sleeping costs a wake-up when the answer comes,
  // and on a virtual machine waking a halted CPU takes tens to hundreds of microseconds. The
  // window starts at `max` and adapts after every miss (NextPollWindow, poll_window.h): it
  // grows toward `max` while answers come within it, and closes while they take longer.
  // 0 = off.
  void SetBusyPoll(std::chrono::microseconds max) { busy_poll_max_ = poll_window_ = max; }
  void AddPromptRead(int delta) { prompt_reads_ += delta; }
  // Polls that found work / polls that gave up and slept (tests, diagnostics).
  std::uint64_t busy_poll_hits() const { return busy_poll_hits_; }
  std::uint64_t busy_poll_misses() const { return busy_poll_misses_; }
  std::chrono::nanoseconds busy_poll_window() const { return poll_window_; }

  // ---- For the awaiters of socket.h ----
  // Epoll: who waits on a descriptor, and what is known of its readiness.
  struct FdWaiters {
    Op* reader = nullptr;
    Op* writer = nullptr;
    bool readable = true;  // epoll: not known to be drained
    bool writable = true;
    bool registered = false;
  };
  // io_uring: queue the operation; op.complete gets its result.
  void SubmitRecv(Op& op, int fd, void* data, std::size_t size);
  void SubmitSend(Op& op, int fd, const void* data, std::size_t size);
  void SubmitSendMsg(Op& op, int fd, const msghdr* msg);
  // `peer` / `peer_size` (may be null): where the kernel writes the client's address.
  void SubmitAccept(Op& op, int fd, sockaddr* peer, socklen_t* peer_size);
  void SubmitConnect(Op& op, int fd, const sockaddr* address, socklen_t size);
  // Epoll: waits for readiness of `fd` and then calls op.complete with 0 (the awaiter retries
  // its syscall), or with -ECANCELED.
  void WaitReadable(Op& op, int fd);
  void WaitWritable(Op& op, int fd);
  void CancelFd(int fd);
  void CloseFd(int fd);
  // Epoll: the descriptor's entry, registered with the epoll set on first use.
  FdWaiters& Waiters(int fd);

 private:
  friend class Timer;
  struct Uring;

  explicit Loop(Backend backend);
  Status Init();
  void RunReady();
  void RunPosted();
  void FireTimers();
  int WaitTimeoutMs() const;
  void WaitUring();
  void CloseRing();
  // Before a wait: true when a busy-poll found something ready (no sleep needed). After the
  // wait, AfterWait adapts the window to how long a missed poll's wait turned out to be.
  bool PollBeforeWait();
  void AfterWait();
  bool BusyPoll(std::chrono::nanoseconds window);
  void WaitEpoll();

  // Timer heap.
  void HeapPush(Timer* timer);
  void HeapRemove(Timer* timer);
  void HeapUp(std::size_t i);
  void HeapDown(std::size_t i);
  void HeapSwap(std::size_t a, std::size_t b);


  const Backend backend_;
  std::unique_ptr<Uring> uring_;
  int epoll_fd_ = -1;
  int event_fd_ = -1;
  std::uint64_t event_value_ = 0;  // io_uring: the eventfd read's buffer
  Op event_op_;
  bool event_armed_ = false;
  std::vector<FdWaiters> fds_;  // epoll: by descriptor
  std::size_t in_flight_ = 0;   // kernel operations not completed yet
  bool stopping_ = false;
  std::atomic<bool> stop_now_{false};
  std::chrono::nanoseconds busy_poll_max_{0};
  std::chrono::nanoseconds poll_window_{0};
  std::chrono::steady_clock::time_point poll_started_{};
  bool poll_missed_ = false;  // the poll before this wait found nothing
  int prompt_reads_ = 0;
  std::uint64_t busy_poll_hits_ = 0;
  std::uint64_t busy_poll_misses_ = 0;

  std::vector<std::coroutine_handle<>> ready_;
  // Epoll: operations to complete at the next turn (cancelled, or not watchable).
  std::vector<std::pair<Op*, int>> completions_;
  std::vector<std::pair<Op*, int>> completions_run_;
  std::vector<std::pair<int, bool>> pokes_;  // epoll: (fd, write) waiters to retry
  std::vector<std::pair<int, bool>> pokes_run_;
  std::vector<std::coroutine_handle<>> running_;
  std::vector<Timer*> heap_;

  std::atomic<bool> has_posted_{false};  // posted_ may be non-empty: RunPosted takes the lock
  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;  // guarded by posted_mutex_
  std::vector<std::function<void()>> posted_run_;
};

}  // namespace ebb::ioloop
