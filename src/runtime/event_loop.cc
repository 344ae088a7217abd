#include "runtime/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>

#include <cerrno>

namespace ebb::runtime {
namespace {
constexpr std::uint64_t kWakeToken = 0;
constexpr int kMaxEvents = 64;
}  // namespace

Result<std::unique_ptr<EventLoop>> EventLoop::Create(const Clock& clock) {
  UniqueFd epoll(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll.valid()) return ErrnoStatus("epoll_create1", errno);
  UniqueFd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake.valid()) return ErrnoStatus("eventfd", errno);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeToken;
  if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, wake.get(), &ev) < 0) {
    return ErrnoStatus("epoll_ctl", errno);
  }
  return std::unique_ptr<EventLoop>(new EventLoop(clock, std::move(epoll), std::move(wake)));
}

EventLoop::EventLoop(const Clock& clock, UniqueFd epoll, UniqueFd wake)
    : clock_(clock), epoll_(std::move(epoll)), wake_(std::move(wake)) {}

void EventLoop::Run() {
  thread_ = std::this_thread::get_id();
  epoll_event events[kMaxEvents];
  while (!quit_) {
    timespec ts{};
    bool has_timeout = NextTimeout(&ts);
    int n = ::epoll_pwait2(epoll_.get(), events, kMaxEvents, has_timeout ? &ts : nullptr, nullptr);
    for (int i = 0; i < n; ++i) {
      if (events[i].data.u64 == kWakeToken) {
        std::uint64_t count;
        while (::read(wake_.get(), &count, sizeof count) > 0) {
        }
      } else {
        Dispatch(events[i].data.u64, events[i].events);
      }
    }
    RunDueTimers();
    RunPosted();
  }
  RunPosted();
  thread_ = std::thread::id();
  quit_ = false;  // Run() may be called again
}

bool EventLoop::NextTimeout(timespec* ts) const {
  if (timers_.empty()) return false;
  auto wait = timers_.begin()->first.first - clock_.Steady();
  auto ns = std::max<std::int64_t>(0, std::chrono::nanoseconds(wait).count());
  ts->tv_sec = ns / 1'000'000'000;
  ts->tv_nsec = ns % 1'000'000'000;
  return true;
}

void EventLoop::Quit() {
  quit_ = true;
  Post([] {});
}

void EventLoop::Post(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    posted_.push_back(std::move(task));
  }
  std::uint64_t one = 1;
  ssize_t n = ::write(wake_.get(), &one, sizeof one);
  (void)n;  // EAGAIN means the counter is already non-zero: the loop will wake anyway
}

bool EventLoop::InLoopThread() const { return thread_ == std::this_thread::get_id(); }

void EventLoop::RunPosted() {
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard lock(mu_);
    tasks.swap(posted_);
  }
  for (auto& task : tasks) task();
}

Status EventLoop::Watch(int fd, std::uint32_t events, Handler handler) {
  std::uint64_t token = next_token_++;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = token;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) < 0) return ErrnoStatus("epoll_ctl", errno);
  watches_[token] = WatchEntry{fd, std::make_shared<Handler>(std::move(handler))};
  token_of_fd_[fd] = token;
  return Status::Ok();
}

void EventLoop::Unwatch(int fd) {
  auto it = token_of_fd_.find(fd);
  if (it == token_of_fd_.end()) return;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
  watches_.erase(it->second);
  token_of_fd_.erase(it);
}

void EventLoop::Dispatch(std::uint64_t token, std::uint32_t events) {
  auto it = watches_.find(token);
  if (it == watches_.end()) return;
  std::shared_ptr<Handler> handler = it->second.handler;  // survives an Unwatch inside
  (*handler)(events);
}

EventLoop::TimerId EventLoop::At(TimePoint when, std::function<void()> fn) {
  TimerId id = next_timer_++;
  timers_.emplace(std::make_pair(when, id), std::move(fn));
  timer_due_[id] = when;
  return id;
}

void EventLoop::Cancel(TimerId id) {
  auto it = timer_due_.find(id);
  if (it == timer_due_.end()) return;
  timers_.erase({it->second, id});
  timer_due_.erase(it);
}

void EventLoop::RunDueTimers() {
  TimePoint now = clock_.Steady();
  while (!timers_.empty() && timers_.begin()->first.first <= now) {
    auto node = timers_.extract(timers_.begin());
    timer_due_.erase(node.key().second);
    node.mapped()();
  }
}

}  // namespace ebb::runtime
