#include "common/file_limit.h"

#include <gtest/gtest.h>

namespace ebb {
namespace {

TEST(RaiseFileLimit, RaisesTheSoftLimitToTheHardOneAndReturnsItAsItWas) {
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  ASSERT_GT(saved.rlim_max, 300u);
  rlimit low = saved;
  low.rlim_cur = 300;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  std::optional<rlimit> before = RaiseFileLimit();
  rlimit now{};
  ::getrlimit(RLIMIT_NOFILE, &now);
  std::optional<rlimit> again = RaiseFileLimit();  // already at the hard limit
  ::setrlimit(RLIMIT_NOFILE, &saved);
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(before->rlim_cur, 300u);
  EXPECT_EQ(before->rlim_max, saved.rlim_max);
  EXPECT_EQ(now.rlim_cur, saved.rlim_max);
  EXPECT_FALSE(again.has_value());
}

}  // namespace
}  // namespace ebb
