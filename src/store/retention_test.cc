#include "store/retention.h"

#include <gtest/gtest.h>

#include "store/test_support.h"

namespace ebb::store {
namespace {

TEST(RetentionTarget, WaitsUntilAFullStepIsDue) {
  RetentionPolicy p{.keep = 10, .step = 5};
  // Compacting to current - keep + 1 keeps exactly `keep` revisions.
  EXPECT_EQ(RetentionTarget(14, 0, p), 0);  // target 5: only 4 revisions past revision 1
  EXPECT_EQ(RetentionTarget(15, 0, p), 6);
  EXPECT_EQ(RetentionTarget(15, 1, p), 6);
  EXPECT_EQ(RetentionTarget(19, 6, p), 0);
  EXPECT_EQ(RetentionTarget(20, 6, p), 11);
  EXPECT_EQ(RetentionTarget(0, 0, p), 0);
  EXPECT_EQ(RetentionTarget(9, 0, p), 0);
}

TEST(RetentionTarget, NeverMovesBackwardsOrOutsideHistory) {
  for (Rev keep : {1, 2, 10}) {
    for (Rev step : {1, 3}) {
      RetentionPolicy p{.keep = keep, .step = step};
      for (Rev current = 0; current < 40; ++current) {
        for (Rev compacted = 0; compacted <= current; ++compacted) {
          Rev target = RetentionTarget(current, compacted, p);
          if (target == 0) continue;
          EXPECT_GT(target, compacted);
          EXPECT_LE(target, current);
          EXPECT_EQ(current - target + 1, keep);
        }
      }
    }
  }
}

TEST(RetentionTarget, TreatsNonPositiveSettingsAsOne) {
  RetentionPolicy p{.keep = 0, .step = 0};
  EXPECT_EQ(RetentionTarget(3, 0, p), 3);
  EXPECT_EQ(RetentionTarget(3, 3, p), 0);
}

class ApplyRetentionTest : public test::StoreFixture {};

TEST_F(ApplyRetentionTest, CompactsTheStoreWhenDue) {
  RetentionPolicy p{.keep = 3, .step = 2};
  for (int i = 0; i < 4; ++i) MustPut("/a", std::to_string(i));
  auto done = ApplyRetention(*store_, p);  // target 2: one revision past 1, not due
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(*done, 0);
  MustPut("/a", "4");
  done = ApplyRetention(*store_, p);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(*done, 3);
  EXPECT_EQ(store_->CompactedRev(), 3);
  EXPECT_EQ(MustGet("/a").value, "4");
}

}  // namespace
}  // namespace ebb::store
