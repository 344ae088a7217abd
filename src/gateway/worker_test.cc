#include "gateway/worker.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <thread>

namespace ebb::gateway {
namespace {

// sched_getaffinity(0) reads the calling thread's mask, so the test narrows its own thread.
class AffinityGuard {
 public:
  AffinityGuard() { sched_getaffinity(0, sizeof saved_, &saved_); }
  ~AffinityGuard() { sched_setaffinity(0, sizeof saved_, &saved_); }
  const cpu_set_t& saved() const { return saved_; }

 private:
  cpu_set_t saved_;
};

TEST(DefaultWorkerCount, IsTheNumberOfCpusInTheAffinityMask) {
  AffinityGuard guard;
  EXPECT_EQ(DefaultWorkerCount(), CPU_COUNT(&guard.saved()));
  int first = 0;
  while (!CPU_ISSET(first, &guard.saved())) ++first;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
  EXPECT_EQ(DefaultWorkerCount(), 1);
}

}  // namespace
}  // namespace ebb::gateway
