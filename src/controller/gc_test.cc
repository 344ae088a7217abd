#include "controller/gc.h"

#include <gtest/gtest.h>

#include "api/naming.h"

namespace ebb::controller {
namespace gc_test {

using nlohmann::json;
using std::chrono::hours;

const Clock::time_point kStart = FakeClock().Now();

json Configuration(const std::string& latest_ready) {
  return {{"metadata", {{"name", "hello"}}},
          {"status", {{"latestReadyRevisionName", latest_ready}}}};
}

// Revision `gen` created `gen` hours after kStart, in routing state `state` since then.
json Revision(int gen, const std::string& state) {
  std::string at = FormatRfc3339(kStart + hours(gen));
  return {{"metadata",
           {{"name", api::RevisionName("hello", gen)},
            {"creationTimestamp", at},
            {"labels", {{"serving.knative.dev/routingState", state}}},
            {"annotations", {{"serving.knative.dev/routingStateModified", at}}}}}};
}

config::Gc Gc(std::int64_t min, std::int64_t max, hours since_create, hours since_active) {
  config::Gc gc;
  gc.min_non_active_revisions = min;
  gc.max_non_active_revisions = max;
  gc.retain_since_create_time = since_create;
  gc.retain_since_last_active_time = since_active;
  return gc;
}

std::vector<json> Revisions(int count, const std::string& state = "reserve") {
  std::vector<json> out;
  for (int gen = 1; gen <= count; ++gen) out.push_back(Revision(gen, state));
  return out;
}

using Names = std::vector<std::string>;

TEST(RevisionGcTest, NothingWhileAtMostMinRevisions) {
  GcPlan plan = PlanRevisionGc(Configuration("hello-00005"), Revisions(5),
                               Gc(5, 10, hours(0), hours(0)), kStart + hours(1000));
  EXPECT_TRUE(plan.to_delete.empty());
  EXPECT_FALSE(plan.recheck_at.has_value());
}

TEST(RevisionGcTest, StaleRevisionsBeyondTheNewestMinGo) {
  // Defaults: keep 20 non-active; beyond that, collect after 48 h since creation and 15 h
  // since last active.
  config::Gc gc;
  std::vector<json> revs = Revisions(25);
  GcPlan early = PlanRevisionGc(Configuration("hello-00025"), revs, gc, kStart + hours(30));
  EXPECT_TRUE(early.to_delete.empty());
  ASSERT_TRUE(early.recheck_at.has_value());
  EXPECT_EQ(*early.recheck_at, kStart + hours(1) + hours(48));  // hello-00001 goes first
  GcPlan later = PlanRevisionGc(Configuration("hello-00025"), revs, gc, kStart + hours(51));
  // Non-active: 00001..00024 (00025 is latest ready); newest 20 kept: 00005..00024.
  EXPECT_EQ(later.to_delete, (Names{"hello-00001", "hello-00002", "hello-00003"}));
  EXPECT_EQ(*later.recheck_at, kStart + hours(4) + hours(48));
}

TEST(RevisionGcTest, ActiveRevisionsAreNeverCollected) {
  std::vector<json> revs = Revisions(6);
  revs[0] = Revision(1, "active");   // routed
  revs[1] = Revision(2, "pending");  // not yet seen by a route
  revs[2]["metadata"]["annotations"]["serving.knative.dev/no-gc"] = "True";
  GcPlan plan = PlanRevisionGc(Configuration("hello-00004"), revs, Gc(1, -1, hours(0), hours(0)),
                               kStart + hours(100));
  // Non-active: 00005, 00006 (00004 is latest ready); the newest one is kept.
  EXPECT_EQ(plan.to_delete, (Names{"hello-00005"}));
}

TEST(RevisionGcTest, MaxNonActiveWinsOverRetention) {
  std::vector<json> revs = Revisions(8);
  // Retention disabled (-1): only the max bound collects, oldest first.
  GcPlan plan =
      PlanRevisionGc(Configuration("hello-00008"), revs, Gc(2, 4, hours(-1), hours(-1)), kStart);
  EXPECT_EQ(plan.to_delete, (Names{"hello-00001", "hello-00002", "hello-00003"}));
  EXPECT_FALSE(plan.recheck_at.has_value());
  // Everything disabled: nothing is ever collected.
  EXPECT_TRUE(PlanRevisionGc(Configuration("hello-00008"), revs, Gc(2, -1, hours(-1), hours(-1)),
                             kStart + hours(10000))
                  .to_delete.empty());
}

TEST(RevisionGcTest, LastActiveTimeOrdersRevisions) {
  std::vector<json> revs = Revisions(3);
  // hello-00001 was routed until recently: it counts as the most recently active.
  revs[0]["metadata"]["annotations"]["serving.knative.dev/routingStateModified"] =
      FormatRfc3339(kStart + hours(200));
  GcPlan plan =
      PlanRevisionGc(Configuration(""), revs, Gc(1, -1, hours(0), hours(10)), kStart + hours(205));
  EXPECT_EQ(plan.to_delete, (Names{"hello-00002", "hello-00003"}));
}

}  // namespace gc_test
}  // namespace ebb::controller
