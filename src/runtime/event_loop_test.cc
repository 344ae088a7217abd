#include "runtime/event_loop.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <thread>

namespace ebb::runtime {
namespace {

using std::chrono::milliseconds;

TEST(EventLoop, TimersFireInDeadlineOrderAndCanBeCancelled) {
  RealClock clock;
  auto loop = EventLoop::Create(clock).value();
  std::vector<int> order;
  auto now = clock.Steady();
  loop->At(now + milliseconds(3), [&] { order.push_back(3); });
  EventLoop::TimerId cancelled = loop->At(now + milliseconds(2), [&] { order.push_back(2); });
  loop->At(now + milliseconds(1), [&] { order.push_back(1); });
  loop->At(now + milliseconds(4), [&] { loop->Quit(); });
  loop->Cancel(cancelled);
  loop->Cancel(9999);  // unknown: ignored
  loop->Run();
  EXPECT_EQ(order, (std::vector<int>{1, 3}));
}

TEST(EventLoop, RunsTasksPostedFromOtherThreads) {
  RealClock clock;
  auto loop = EventLoop::Create(clock).value();
  bool in_loop = false;
  std::thread poster([&] {
    loop->Post([&] {
      in_loop = loop->InLoopThread();
      loop->Quit();
    });
  });
  loop->Run();
  poster.join();
  EXPECT_TRUE(in_loop);
  EXPECT_FALSE(loop->InLoopThread());
}

TEST(EventLoop, DispatchesFdEventsAndAllowsUnwatchInsideTheHandler) {
  RealClock clock;
  auto loop = EventLoop::Create(clock).value();
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  UniqueFd r(fds[0]), w(fds[1]);
  int calls = 0;
  ASSERT_TRUE(loop->Watch(r.get(), EPOLLIN,
                          [&](std::uint32_t events) {
                            ++calls;
                            EXPECT_TRUE(events & EPOLLIN);
                            loop->Unwatch(r.get());
                            loop->Post([&] { loop->Quit(); });
                          })
                  .ok());
  EXPECT_FALSE(loop->Watch(r.get(), EPOLLIN, [](std::uint32_t) {}).ok());  // already watched
  ASSERT_EQ(::write(w.get(), "x", 1), 1);
  loop->Run();
  EXPECT_EQ(calls, 1);  // level-triggered, but unwatched after the first call
}

}  // namespace
}  // namespace ebb::runtime
