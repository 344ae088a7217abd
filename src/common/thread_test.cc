#include "common/thread.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>

namespace ebb {
namespace {

std::string CommOf(pid_t tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/comm");
  std::string name;
  std::getline(in, name);
  return name;
}

TEST(ThreadTest, NameIsCutToFifteenCharacters) {
  std::string name;
  std::thread t([&] {
    NameThisThread("ebb-a-rather-long-thread-name");
    name = CommOf(::gettid());
  });
  t.join();
  EXPECT_EQ(name, "ebb-a-rather-lo");
}

TEST(ThreadTest, BackgroundThreadIsNicerAndNotRealTime) {
  int before = 0, after = 0, policy = -1;
  std::thread t([&] {
    // Real-time first, as under `chrt -f 1`, when this process may (root); else it starts as
    // SCHED_OTHER and only the nice value is checked for a change.
    sched_param fifo{};
    fifo.sched_priority = 1;
    ::pthread_setschedparam(::pthread_self(), SCHED_FIFO, &fifo);
    before = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
    MakeThisThreadBackground();
    after = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
    policy = ::sched_getscheduler(0);
  });
  t.join();
  EXPECT_EQ(after, std::min(before + 5, 19));
  EXPECT_EQ(policy, SCHED_OTHER);
  // Only the calling thread changed.
  EXPECT_EQ(::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid())), before);
}

}  // namespace
}  // namespace ebb
