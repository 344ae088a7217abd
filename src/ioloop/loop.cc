#include "ioloop/loop.h"

#include <liburing.h>
#include <poll.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "ioloop/poll_window.h"
#include "ioloop/task.h"

namespace ebb::ioloop {

namespace {

constexpr unsigned kRingEntries = 4096;
// user_data of the eventfd read; 0 marks completions nobody waits for (cancel, close).
constexpr std::uint64_t kEventTag = 1;

// ---- Coroutine frames -----------------------------------------------------------------------

// Size classes of 64 bytes up to 4 KiB; larger frames go to operator new directly.
constexpr std::size_t kFrameGrain = 64;
constexpr std::size_t kFrameClasses = 64;
constexpr std::size_t kFrameKeep = 4096;  // free blocks kept per class per thread

struct FreeBlock {
  FreeBlock* next;
};

struct FrameCache {
  std::array<FreeBlock*, kFrameClasses> heads{};
  std::array<std::size_t, kFrameClasses> counts{};
  ~FrameCache() {
    for (FreeBlock* head : heads) {
      while (head) {
        FreeBlock* next = head->next;
        ::operator delete(head);
        head = next;
      }
    }
  }
};

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kCacheFrames = false;  // let ASan see every frame's lifetime
#else
constexpr bool kCacheFrames = true;
#endif

thread_local FrameCache frame_cache;

// Set by Loop::Run on its thread (TurnTime).
thread_local bool turn_time_set = false;
thread_local SteadyTime turn_time;

void StartTurn() {
  turn_time = std::chrono::steady_clock::now();
  turn_time_set = true;
}

}  // namespace

SteadyTime TurnTime() {
  return turn_time_set ? turn_time : std::chrono::steady_clock::now();
}

void* AllocateFrame(std::size_t size) {
  std::size_t cls = (size + kFrameGrain - 1) / kFrameGrain;
  if (!kCacheFrames || cls >= kFrameClasses) return ::operator new(size);
  FreeBlock*& head = frame_cache.heads[cls];
  if (head) {
    FreeBlock* block = head;
    head = block->next;
    --frame_cache.counts[cls];
    return block;
  }
  return ::operator new(cls * kFrameGrain);
}

void FreeFrame(void* frame, std::size_t size) noexcept {
  std::size_t cls = (size + kFrameGrain - 1) / kFrameGrain;
  if (!kCacheFrames || cls >= kFrameClasses || frame_cache.counts[cls] >= kFrameKeep) {
    ::operator delete(frame);
    return;
  }
  auto* block = static_cast<FreeBlock*>(frame);
  block->next = frame_cache.heads[cls];
  frame_cache.heads[cls] = block;
  ++frame_cache.counts[cls];
}

// ---- Backend names --------------------------------------------------------------------------

const char* BackendName(Backend backend) {
  switch (backend) {
    case Backend::kAuto:
      return "auto";
    case Backend::kUring:
      return "uring";
    case Backend::kEpoll:
      return "epoll";
  }
  return "auto";
}

Result<Backend> ParseBackend(const std::string& name) {
  if (name == "auto") return Backend::kAuto;
  if (name == "uring" || name == "io_uring") return Backend::kUring;
  if (name == "epoll") return Backend::kEpoll;
  return Status(Code::kBadRequest,
                "unknown event loop backend \"" + name + "\": use auto, uring or epoll");
}

// ---- Timer and Event ------------------------------------------------------------------------

Timer::Timer(Loop& loop, std::function<void()> on_expiry)
    : loop_(loop), on_expiry_(std::move(on_expiry)) {}

Timer::~Timer() { Cancel(); }

void Timer::Arm(SteadyTime at) {
  if (armed()) {
    at_ = at;
    loop_.HeapUp(heap_index_);
    loop_.HeapDown(heap_index_);
    return;
  }
  at_ = at;
  loop_.HeapPush(this);
}

void Timer::Cancel() {
  if (armed()) loop_.HeapRemove(this);
}

void Event::Notify() {
  if (waiter_) {
    loop_.Defer(std::exchange(waiter_, {}));
  } else {
    notified_ = true;
  }
}

// ---- Loop -----------------------------------------------------------------------------------

// The ring is created disabled and enabled by the first submission: with SINGLE_ISSUER only
// the thread that enables it may submit, and a loop is created on one thread and run on
// another.
struct Loop::Uring {
  io_uring ring{};
  bool initialized = false;
  bool enabled = false;
  ~Uring() {
    if (initialized) io_uring_queue_exit(&ring);
  }
  void Enable() {
    if (!enabled) {
      // io_uring_enable_rings is declared by Debian 12's liburing 2.3 but not exported.
      ::syscall(__NR_io_uring_register, ring.ring_fd, IORING_REGISTER_ENABLE_RINGS, nullptr, 0);
      enabled = true;
    }
  }
  int Submit() {
    Enable();
    return io_uring_submit(&ring);
  }
  io_uring_sqe* Sqe() {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring);
    if (sqe == nullptr) {  // the submission queue is full: hand it to the kernel first
      Submit();
      sqe = io_uring_get_sqe(&ring);
    }
    return sqe;
  }
};

Loop::Loop(Backend backend) : backend_(backend) {}

Result<std::unique_ptr<Loop>> Loop::Create(Backend backend) {
  if (backend == Backend::kAuto || backend == Backend::kUring) {
    std::unique_ptr<Loop> loop(new Loop(Backend::kUring));
    Status status = loop->Init();
    if (status.ok()) return loop;
    if (backend == Backend::kUring) return status;
  }
  std::unique_ptr<Loop> loop(new Loop(Backend::kEpoll));
  Status status = loop->Init();
  if (!status.ok()) return status;
  return loop;
}

Status Loop::Init() {
  event_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (event_fd_ < 0) {
    return Status(Code::kUnavailable, std::string("eventfd: ") + std::strerror(errno));
  }
  if (backend_ == Backend::kUring) {
    uring_ = std::make_unique<Uring>();
    io_uring_params params{};
    params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN |
                   IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_R_DISABLED;
    // Created on a thread of its own: the kernel remembers every thread that created or used
    // a ring, and when the ring is torn down it queues work on each of them with a
    // signal-like notification. A blocking socket call with a timeout (SO_RCVTIMEO) on such a
    // thread then fails with EINTR. The creating thread (the server's main thread, say) must
    // not be one of them; the thread that runs the loop is, and closes the ring itself.
    int r = 0;
    std::thread([&] { r = io_uring_queue_init_params(kRingEntries, &uring_->ring, &params); })
        .join();
    if (r < 0) {
      uring_.reset();
      return Status(Code::kUnavailable,
                    std::string("io_uring cannot be set up here: ") + std::strerror(-r));
    }
    uring_->initialized = true;
    return Status::Ok();
  }
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) {
    return Status(Code::kUnavailable, std::string("epoll_create1: ") + std::strerror(errno));
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = event_fd_;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, event_fd_, &ev) != 0) {
    return Status(Code::kUnavailable, std::string("epoll_ctl: ") + std::strerror(errno));
  }
  return Status::Ok();
}

Loop::~Loop() {
  uring_.reset();
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
  if (event_fd_ >= 0) ::close(event_fd_);
  for (Timer* timer : heap_) timer->heap_index_ = Timer::kNotArmed;
}

void Loop::Post(std::function<void()> fn) {
  bool wake;
  {
    std::lock_guard<std::mutex> lock(posted_mutex_);
    wake = posted_.empty();
    posted_.push_back(std::move(fn));
    has_posted_.store(true, std::memory_order_release);
  }
  if (wake) {
    std::uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(event_fd_, &one, sizeof one);
  }
}

void Loop::StopNow() {
  stop_now_.store(true, std::memory_order_relaxed);
  std::uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(event_fd_, &one, sizeof one);
}

void Loop::Run() {
  while (!stop_now_.load(std::memory_order_relaxed)) {
    StartTurn();
    FireTimers();
    RunPosted();
    RunReady();
    if (stopping_ && in_flight_ == 0 && ready_.empty() && completions_.empty() &&
        pokes_.empty()) {
      std::lock_guard<std::mutex> lock(posted_mutex_);
      if (posted_.empty()) break;
      continue;
    }
    if (backend_ == Backend::kUring) {
      WaitUring();
    } else {
      WaitEpoll();
    }
  }
  CloseRing();
  turn_time_set = false;
}

// Ends the ring on the loop's own thread, the one whose requests are still pending (the
// eventfd read at least), after cancelling them.
void Loop::CloseRing() {
  if (!uring_) return;
  if (uring_->enabled) {
    io_uring& ring = uring_->ring;
    io_uring_sqe* sqe = uring_->Sqe();
    io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY);
    io_uring_sqe_set_data64(sqe, 0);
    uring_->Submit();
    while (event_armed_) {
      io_uring_cqe* cqe = nullptr;
      if (io_uring_wait_cqe(&ring, &cqe) != 0) break;
      if (cqe->user_data == kEventTag) event_armed_ = false;
      io_uring_cqe_seen(&ring, cqe);
    }
  }
  uring_.reset();
}

void Loop::RunReady() {
  // Retries of epoll waiters whose socket was already ready: those queued before this turn
  // only, so that a burst of them (accepts) cannot hold off posts and other sockets.
  if (!pokes_.empty()) {
    pokes_run_.swap(pokes_);
    for (auto [fd, write] : pokes_run_) {
      if (static_cast<std::size_t>(fd) >= fds_.size()) continue;
      Op*& slot = write ? fds_[fd].writer : fds_[fd].reader;
      if (Op* op = std::exchange(slot, nullptr)) {
        --in_flight_;
        op->complete(*op, 0);
      }
    }
    pokes_run_.clear();
  }
  while (!ready_.empty() || !completions_.empty()) {
    if (!completions_.empty()) {
      completions_run_.swap(completions_);
      for (auto [op, result] : completions_run_) op->complete(*op, result);
      completions_run_.clear();
    }
    running_.swap(ready_);
    for (std::coroutine_handle<> handle : running_) handle.resume();
    running_.clear();
  }
}

void Loop::RunPosted() {
  if (!has_posted_.load(std::memory_order_acquire)) return;
  {
    std::lock_guard<std::mutex> lock(posted_mutex_);
    has_posted_.store(false, std::memory_order_relaxed);
    if (posted_.empty()) return;
    posted_run_.swap(posted_);
  }
  for (auto& fn : posted_run_) fn();
  posted_run_.clear();
}

void Loop::FireTimers() {
  if (heap_.empty()) return;
  SteadyTime now = turn_time;
  while (!heap_.empty() && heap_.front()->at_ <= now) {
    Timer* timer = heap_.front();
    HeapRemove(timer);
    timer->on_expiry_();
  }
}

int Loop::WaitTimeoutMs() const {
  if (heap_.empty()) return -1;
  auto left = heap_.front()->at_ - std::chrono::steady_clock::now();
  if (left <= left.zero()) return 0;
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return static_cast<int>(std::min<std::int64_t>(ms, 60'000));
}

void Loop::WaitUring() {
  io_uring& ring = uring_->ring;
  uring_->Enable();
  if (!event_armed_) {
    io_uring_sqe* sqe = uring_->Sqe();
    io_uring_prep_read(sqe, event_fd_, &event_value_, sizeof event_value_, 0);
    io_uring_sqe_set_data64(sqe, kEventTag);
    event_armed_ = true;
  }
  if (!ready_.empty() || !completions_.empty() || !pokes_.empty() || PollBeforeWait()) {
    io_uring_submit_and_get_events(&ring);
  } else if (heap_.empty()) {
    io_uring_submit_and_wait(&ring, 1);
  } else {
    auto left = heap_.front()->at_ - std::chrono::steady_clock::now();
    if (left < left.zero()) left = left.zero();
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    __kernel_timespec ts{};
    ts.tv_sec = ns / 1'000'000'000;
    ts.tv_nsec = ns % 1'000'000'000;
    io_uring_cqe* ignored = nullptr;
    io_uring_submit_and_wait_timeout(&ring, &ignored, 1, &ts, nullptr);
  }
  StartTurn();  // the completions below happen now
  AfterWait();
  // What was posted before the I/O that woke us must be seen by it (a route update made
  // before a client connected applies to that client).
  RunPosted();
  io_uring_cqe* cqe = nullptr;
  while (io_uring_peek_cqe(&ring, &cqe) == 0) {
    std::uint64_t data = cqe->user_data;
    int result = cqe->res;
    io_uring_cqe_seen(&ring, cqe);
    if (data == 0) continue;
    if (data == kEventTag) {
      event_armed_ = false;
      continue;
    }
    --in_flight_;
    Op* op = reinterpret_cast<Op*>(static_cast<std::uintptr_t>(data));
    op->complete(*op, result);
  }
}

void Loop::WaitEpoll() {
  std::array<epoll_event, 128> events;
  bool ready = !ready_.empty() || !completions_.empty() || !pokes_.empty() || PollBeforeWait();
  int timeout = ready ? 0 : WaitTimeoutMs();
  int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout);
  StartTurn();
  AfterWait();
  RunPosted();  // as in WaitUring
  for (int i = 0; i < n; ++i) {
    int fd = events[i].data.fd;
    std::uint32_t what = events[i].events;
    if (fd == event_fd_) {
      std::uint64_t value;
      [[maybe_unused]] ssize_t r = ::read(event_fd_, &value, sizeof value);
      continue;
    }
    if (static_cast<std::size_t>(fd) >= fds_.size()) continue;
    // A completion may register new descriptors (fds_ grows): index afresh each time.
    if (what & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP)) {
      fds_[fd].readable = true;
      if (Op* op = std::exchange(fds_[fd].reader, nullptr)) {
        --in_flight_;
        op->complete(*op, 0);
      }
    }
    if (what & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
      fds_[fd].writable = true;
      if (Op* op = std::exchange(fds_[fd].writer, nullptr)) {
        --in_flight_;
        op->complete(*op, 0);
      }
    }
  }
}

bool Loop::PollBeforeWait() {
  if (busy_poll_max_.count() == 0 || prompt_reads_ == 0 || stopping_) return false;
  poll_started_ = std::chrono::steady_clock::now();
  // A closed window still looks once (what is ready already is no answer to wait for), and
  // still measures the wait that follows, so that it can open again.
  if (BusyPoll(poll_window_)) return true;
  poll_missed_ = true;
  return false;
}

void Loop::AfterWait() {
  if (!poll_missed_) return;
  poll_missed_ = false;
  poll_window_ = NextPollWindow(poll_window_, turn_time - poll_started_, busy_poll_max_);
}

bool Loop::BusyPoll(std::chrono::nanoseconds window) {
  SteadyTime until = poll_started_ + window;
  if (!heap_.empty()) until = std::min(until, heap_.front()->at_);
  for (;;) {
    if (backend_ == Backend::kUring) {
      io_uring_submit_and_get_events(&uring_->ring);
      if (io_uring_cq_ready(&uring_->ring) > 0) break;
    } else {
      // An epoll set is readable when one of its descriptors is ready: a peek that leaves
      // the events to the wait that follows.
      pollfd p{epoll_fd_, POLLIN, 0};
      if (::poll(&p, 1, 0) > 0) break;
    }
    if (has_posted_.load(std::memory_order_acquire)) break;
    if (std::chrono::steady_clock::now() >= until) {
      ++busy_poll_misses_;
      return false;
    }
    ::sched_yield();  // anything else runnable on this CPU goes first
  }
  ++busy_poll_hits_;
  return true;
}

// ---- Timer heap -----------------------------------------------------------------------------

void Loop::HeapPush(Timer* timer) {
  timer->heap_index_ = heap_.size();
  heap_.push_back(timer);
  HeapUp(timer->heap_index_);
}

void Loop::HeapRemove(Timer* timer) {
  std::size_t i = timer->heap_index_;
  std::size_t last = heap_.size() - 1;
  if (i != last) HeapSwap(i, last);
  heap_.pop_back();
  timer->heap_index_ = Timer::kNotArmed;
  if (i < heap_.size()) {
    HeapUp(i);
    HeapDown(i);
  }
}

void Loop::HeapUp(std::size_t i) {
  while (i > 0) {
    std::size_t parent = (i - 1) / 2;
    if (heap_[parent]->at_ <= heap_[i]->at_) break;
    HeapSwap(i, parent);
    i = parent;
  }
}

void Loop::HeapDown(std::size_t i) {
  for (;;) {
    std::size_t least = i;
    std::size_t left = 2 * i + 1;
    std::size_t right = left + 1;
    if (left < heap_.size() && heap_[left]->at_ < heap_[least]->at_) least = left;
    if (right < heap_.size() && heap_[right]->at_ < heap_[least]->at_) least = right;
    if (least == i) return;
    HeapSwap(i, least);
    i = least;
  }
}

void Loop::HeapSwap(std::size_t a, std::size_t b) {
  std::swap(heap_[a], heap_[b]);
  heap_[a]->heap_index_ = a;
  heap_[b]->heap_index_ = b;
}

// ---- Backend operations ---------------------------------------------------------------------

namespace {

void SetData(io_uring_sqe* sqe, Op& op) {
  io_uring_sqe_set_data64(sqe, static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(&op)));
}

}  // namespace

void Loop::SubmitRecv(Op& op, int fd, void* data, std::size_t size) {
  io_uring_sqe* sqe = uring_->Sqe();
  io_uring_prep_recv(sqe, fd, data, size, 0);
  SetData(sqe, op);
  ++in_flight_;
}

void Loop::SubmitSend(Op& op, int fd, const void* data, std::size_t size) {
  io_uring_sqe* sqe = uring_->Sqe();
  io_uring_prep_send(sqe, fd, data, size, MSG_NOSIGNAL);
  SetData(sqe, op);
  ++in_flight_;
}

void Loop::SubmitSendMsg(Op& op, int fd, const msghdr* msg) {
  io_uring_sqe* sqe = uring_->Sqe();
  io_uring_prep_sendmsg(sqe, fd, msg, MSG_NOSIGNAL);
  SetData(sqe, op);
  ++in_flight_;
}

void Loop::SubmitAccept(Op& op, int fd, sockaddr* peer, socklen_t* peer_size) {
  io_uring_sqe* sqe = uring_->Sqe();
  io_uring_prep_accept(sqe, fd, peer, peer_size, SOCK_CLOEXEC);
  SetData(sqe, op);
  ++in_flight_;
}

void Loop::SubmitConnect(Op& op, int fd, const sockaddr* address, socklen_t size) {
  io_uring_sqe* sqe = uring_->Sqe();
  io_uring_prep_connect(sqe, fd, address, size);
  SetData(sqe, op);
  ++in_flight_;
}

Loop::FdWaiters& Loop::Waiters(int fd) {
  if (static_cast<std::size_t>(fd) >= fds_.size()) {
    fds_.resize(std::max<std::size_t>(static_cast<std::size_t>(fd) + 1, fds_.size() * 2));
  }
  FdWaiters& w = fds_[fd];
  if (!w.registered) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.fd = fd;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) == 0 || errno == EEXIST) {
      w.registered = true;
    }
  }
  return w;
}

void Loop::WaitReadable(Op& op, int fd) {
  FdWaiters& w = Waiters(fd);
  if (!w.registered) {  // cannot be watched (not a socket?): fail the operation
    completions_.emplace_back(&op, -EBADF);
    return;
  }
  w.reader = &op;
  ++in_flight_;
  // Readable as far as we know (an edge came since the last EAGAIN): retry at the next turn,
  // unless cancelled before.
  if (w.readable) pokes_.emplace_back(fd, false);
}

void Loop::WaitWritable(Op& op, int fd) {
  FdWaiters& w = Waiters(fd);
  if (!w.registered) {
    completions_.emplace_back(&op, -EBADF);
    return;
  }
  w.writer = &op;
  ++in_flight_;
  if (w.writable) pokes_.emplace_back(fd, true);
}

void Loop::CancelFd(int fd) {
  if (backend_ == Backend::kUring) {
    if (!uring_) return;  // after Run: nothing is pending any more
    io_uring_sqe* sqe = uring_->Sqe();
    io_uring_prep_cancel_fd(sqe, fd, IORING_ASYNC_CANCEL_ALL);
    io_uring_sqe_set_data64(sqe, 0);
    // At once, so that the descriptor can be closed (and its number reused) right after.
    uring_->Submit();
    return;
  }
  if (static_cast<std::size_t>(fd) >= fds_.size()) return;
  FdWaiters& w = fds_[fd];
  if (Op* op = std::exchange(w.reader, nullptr)) {
    --in_flight_;
    completions_.emplace_back(op, -ECANCELED);
  }
  if (Op* op = std::exchange(w.writer, nullptr)) {
    --in_flight_;
    completions_.emplace_back(op, -ECANCELED);
  }
}

void Loop::CloseFd(int fd) {
  if (backend_ == Backend::kEpoll && static_cast<std::size_t>(fd) < fds_.size()) {
    fds_[fd] = FdWaiters{};  // closing removes it from the epoll set
  }
  ::close(fd);
}

}  // namespace ebb::ioloop
