#include "controller/conditions.h"

#include <gtest/gtest.h>

namespace ebb::controller {
namespace conditions_test {

using nlohmann::json;

TEST(HappyTest, TrueWhenAllDependentsAreTrue) {
  Condition c = Happy("Ready", {MarkTrue("A"), MarkTrue("B")});
  EXPECT_EQ(c, MarkTrue("Ready"));
}

TEST(HappyTest, FirstFalseWinsOverUnknown) {
  Condition c = Happy("Ready", {MarkUnknown("A", "Waiting", "w"), MarkFalse("B", "Broken", "b"),
                                MarkFalse("C", "Other", "o")});
  EXPECT_EQ(c, MarkFalse("Ready", "Broken", "b"));
}

TEST(HappyTest, UnknownPrefersOneWithAReason) {
  Condition c = Happy("Ready", {MarkUnknown("A"), MarkUnknown("B", "RevisionMissing", "m")});
  EXPECT_EQ(c, MarkUnknown("Ready", "RevisionMissing", "m"));
  EXPECT_EQ(Happy("Ready", {MarkTrue("A"), MarkUnknown("B")}), MarkUnknown("Ready"));
}

TEST(HappyTest, NoDependentsIsTrue) { EXPECT_EQ(Happy("Ready", {}).status, kTrue); }

TEST(ConditionsJsonTest, SortedByTypeWithReadyIncluded) {
  json out =
      ConditionsJson({MarkTrue("Ready"), MarkTrue("RoutesReady"), MarkTrue("ConfigurationsReady")},
                     json(), "2026-01-01T00:00:00Z");
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0]["type"], "ConfigurationsReady");
  EXPECT_EQ(out[1]["type"], "Ready");
  EXPECT_EQ(out[2]["type"], "RoutesReady");
}

TEST(ConditionsJsonTest, OmitsEmptyFieldsAndWritesSeverity) {
  Condition active = MarkFalse("Active", "NoTraffic", "idle");
  active.severity = "Info";
  json out = ConditionsJson({MarkTrue("Ready"), active}, json(), "T0");
  EXPECT_EQ(out[0], json({{"type", "Active"},
                          {"status", "False"},
                          {"reason", "NoTraffic"},
                          {"message", "idle"},
                          {"severity", "Info"},
                          {"lastTransitionTime", "T0"}}));
  EXPECT_EQ(out[1], json({{"type", "Ready"}, {"status", "True"}, {"lastTransitionTime", "T0"}}));
}

TEST(ConditionsJsonTest, TransitionTimeMovesOnlyWithStatus) {
  json old = ConditionsJson({MarkFalse("Ready", "A", "first"), MarkUnknown("Other")}, json(), "T0");
  json same_status =
      ConditionsJson({MarkFalse("Ready", "B", "second"), MarkTrue("Other")}, old, "T1");
  EXPECT_EQ(same_status[1]["lastTransitionTime"], "T0");  // Ready: False -> False
  EXPECT_EQ(same_status[1]["reason"], "B");
  EXPECT_EQ(same_status[0]["lastTransitionTime"], "T1");  // Other: Unknown -> True
  json new_condition = ConditionsJson({MarkTrue("Fresh")}, old, "T2");
  EXPECT_EQ(new_condition[0]["lastTransitionTime"], "T2");
}

TEST(GetConditionTest, ReadsFromStatus) {
  json obj = {{"status",
               {{"conditions",
                 {{{"type", "Ready"}, {"status", "False"}, {"reason", "R"}, {"message", "m"}}}}}}};
  std::optional<Condition> ready = GetCondition(obj, "Ready");
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(*ready, MarkFalse("Ready", "R", "m"));
  EXPECT_FALSE(GetCondition(obj, "Active").has_value());
  EXPECT_EQ(ConditionStatus(obj, "Ready"), "False");
  EXPECT_EQ(ConditionStatus(json("not an object"), "Ready"), "");
}

}  // namespace conditions_test
}  // namespace ebb::controller
