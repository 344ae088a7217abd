// Table tests for traffic targets (knative-spec.md §1.3 "Traffic") in a Service and a Route,
// and for status.traffic.
#include "api/validation_test_util.h"

namespace ebb::api {
namespace validate_traffic_test {

using nlohmann::json;
using testing_util::Case;
using testing_util::kDelete;

constexpr char kRequired[] = "FieldValueRequired";
constexpr char kInvalid[] = "FieldValueInvalid";
constexpr char kForbidden[] = "FieldValueForbidden";
constexpr char kDuplicate[] = "FieldValueDuplicate";

const Kind S = Kind::kService;
const Kind R = Kind::kRoute;

testing_util::Edit T(json traffic) { return {"/spec/traffic", std::move(traffic)}; }

json Latest(int percent) { return {{"latestRevision", true}, {"percent", percent}}; }
json Rev(const std::string& name, int percent) {
  return {{"revisionName", name}, {"percent", percent}};
}

class TrafficTable : public ::testing::TestWithParam<Case> {};

TEST_P(TrafficTable, Rule) {
  testing_util::ExpectCase(GetParam(), testing_util::RunCase(GetParam()));
}

INSTANTIATE_TEST_SUITE_P(
    Service, TrafficTable,
    ::testing::Values(
        Case{"DefaultedWhenAbsent", S, {}, "", "", ""},
        Case{"DefaultedWhenEmpty", S, {T(json::array())}, "", "", ""},
        Case{"Latest", S, {T({Latest(100)})}, "", "", ""},
        Case{"Split", S, {T({Rev("hello-00001", 50), Latest(50)})}, "", "", ""},
        Case{"SplitWithZero", S, {T({Rev("hello-00001", 0), Latest(100)})}, "", "", ""},
        Case{"SumBelow",
             S,
             {T({Rev("hello-00001", 40), Latest(50)})},
             "spec.traffic",
             kInvalid,
             "Traffic targets sum to 90, want 100"},
        Case{"SumAbove",
             S,
             {T({Rev("hello-00001", 60), Latest(50)})},
             "spec.traffic",
             kInvalid,
             "Traffic targets sum to 110, want 100"},
        Case{"MissingPercentCountsZero",
             S,
             {T({{{"revisionName", "hello-00001"}}})},
             "spec.traffic",
             kInvalid,
             "Traffic targets sum to 0, want 100"},
        Case{"PercentTooHigh",
             S,
             {T({Latest(150)})},
             "spec.traffic[0].percent",
             kInvalid,
             "expected 0 <= 150 <= 100"},
        Case{"PercentNegative",
             S,
             {T({Latest(-10), Rev("hello-00001", 110)})},
             "spec.traffic[0].percent",
             kInvalid,
             "expected 0 <= -10 <= 100"},
        Case{"PercentNotInteger",
             S,
             {T({{{"latestRevision", true}, {"percent", "100"}}})},
             "spec.traffic[0].percent",
             kInvalid,
             "must be an integer"},
        Case{"ConfigurationNameForbidden",
             S,
             {T({{{"configurationName", "hello"}, {"percent", 100}}})},
             "spec.traffic[0].configurationName",
             kForbidden,
             "must not set the field(s)"},
        Case{"LatestWithRevisionName",
             S,
             {T({{{"revisionName", "hello-00001"}, {"latestRevision", true}, {"percent", 100}}})},
             "spec.traffic[0].latestRevision",
             kInvalid,
             "may not set revisionName \"hello-00001\" when latestRevision is true"},
        Case{"PinnedWithoutRevisionName",
             S,
             {T({{{"latestRevision", false}, {"percent", 100}}})},
             "spec.traffic[0].latestRevision",
             kInvalid,
             "revisionName is required when latestRevision is false"},
        Case{"LatestNotBool",
             S,
             {T({{{"latestRevision", "true"}, {"percent", 100}}})},
             "spec.traffic[0].latestRevision",
             kInvalid,
             "must be a boolean"},
        Case{"Tag",
             S,
             {T({{{"tag", "current"}, {"latestRevision", true}, {"percent", 100}}})},
             "",
             "",
             ""},
        Case{"TagNotDns1035",
             S,
             {T({{{"tag", "Bad_Tag"}, {"percent", 100}}})},
             "spec.traffic[0].tag",
             kInvalid,
             "DNS-1035"},
        Case{"TagDuplicate",
             S,
             {T({{{"tag", "v1"}, {"revisionName", "hello-00001"}, {"percent", 50}},
                 {{"tag", "v1"}, {"percent", 50}}})},
             "spec.traffic[1].tag",
             kDuplicate,
             "Multiple definitions for \"v1\" (also spec.traffic[0].tag)"},
        Case{"TagZeroPercent",
             S,
             {T({Latest(100), {{"tag", "old"}, {"revisionName", "hello-00001"}, {"percent", 0}}})},
             "",
             "",
             ""},
        Case{"UrlForbidden",
             S,
             {T({{{"latestRevision", true}, {"percent", 100}, {"url", "http://x"}}})},
             "spec.traffic[0].url",
             kForbidden,
             "must not set"},
        Case{"UnknownField",
             S,
             {T({{{"latestRevision", true}, {"percent", 100}, {"weight", 1}}})},
             "spec.traffic[0].weight",
             kForbidden,
             "must not set"},
        Case{"NotList",
             S,
             {T({{"latestRevision", true}})},
             "spec.traffic",
             kInvalid,
             "must be a list"},
        Case{"TargetNotObject", S, {T({5})}, "spec.traffic[0]", kInvalid, "must be an object"},
        Case{"RevisionNameInvalid",
             S,
             {T({Rev("Bad Name", 100)})},
             "spec.traffic[0].revisionName",
             kInvalid,
             "invalid name \"Bad Name\""}),
    testing_util::CaseName);

INSTANTIATE_TEST_SUITE_P(
    Route, TrafficTable,
    ::testing::Values(
        Case{"Configuration", R, {}, "", "", ""},
        Case{"Revision", R, {T({Rev("hello-00001", 100)})}, "", "", ""},
        Case{"Split",
             R,
             {T({Rev("hello-00001", 30), {{"configurationName", "hello"}, {"percent", 70}}})},
             "",
             "",
             ""},
        Case{"Both",
             R,
             {T({{{"revisionName", "hello-00001"},
                  {"configurationName", "hello"},
                  {"percent", 100}}})},
             "spec.traffic[0]",
             kInvalid,
             "got both"},
        Case{"Neither", R, {T({Latest(100)})}, "spec.traffic[0]", kRequired, "got neither"},
        Case{"ConfigurationNameInvalid",
             R,
             {T({{{"configurationName", "-bad"}, {"percent", 100}}})},
             "spec.traffic[0].configurationName",
             kInvalid,
             "invalid name"},
        Case{"Empty",
             R,
             {T(json::array())},
             "spec.traffic",
             kInvalid,
             "Traffic targets sum to 0, want 100"},
        Case{"Absent",
             R,
             {{"/spec/traffic", kDelete}},
             "spec.traffic",
             kInvalid,
             "Traffic targets sum to 0, want 100"},
        Case{"OwnedByServiceDefaulted",
             R,
             {{"/spec/traffic", kDelete},
              {"/metadata/ownerReferences",
               {{{"apiVersion", "serving.knative.dev/v1"},
                 {"kind", "Service"},
                 {"name", "hello"},
                 {"uid", "u-1"}}}}},
             "",
             "",
             ""}),
    testing_util::CaseName);

struct StatusCase {
  std::string name;
  json traffic;
  std::string field;
  std::string reason;
};

class StatusTrafficTable : public ::testing::TestWithParam<StatusCase> {};

TEST_P(StatusTrafficTable, Rule) {
  json obj = testing_util::BaseObject(Kind::kRoute);
  obj["status"] = {{"traffic", GetParam().traffic}};
  std::vector<FieldError> errs = ValidateStatus(Kind::kRoute, obj);
  if (GetParam().field.empty()) {
    EXPECT_TRUE(errs.empty()) << testing_util::Describe(errs);
    return;
  }
  ASSERT_EQ(errs.size(), 1u) << testing_util::Describe(errs);
  EXPECT_EQ(errs[0].field, GetParam().field);
  EXPECT_EQ(errs[0].reason, GetParam().reason);
}

INSTANTIATE_TEST_SUITE_P(
    All, StatusTrafficTable,
    ::testing::Values(
        StatusCase{"Valid",
                   {{{"revisionName", "hello-00002"}, {"latestRevision", true}, {"percent", 100}},
                    {{"revisionName", "hello-00001"},
                     {"tag", "old"},
                     {"url", "http://old-hello.default.example.com"},
                     {"percent", 0}}},
                   "",
                   ""},
        StatusCase{"NoRevisionName",
                   {{{"percent", 100}}},
                   "status.traffic[0].revisionName",
                   "FieldValueRequired"},
        StatusCase{"TagWithoutUrl",
                   {{{"revisionName", "r"}, {"tag", "t"}, {"percent", 100}}},
                   "status.traffic[0].url",
                   "FieldValueRequired"},
        StatusCase{"UrlWithoutTag",
                   {{{"revisionName", "r"}, {"url", "http://x"}, {"percent", 100}}},
                   "status.traffic[0].url",
                   "FieldValueForbidden"},
        StatusCase{"PercentOutOfRange",
                   {{{"revisionName", "r"}, {"percent", 101}}},
                   "status.traffic[0].percent",
                   "FieldValueInvalid"},
        StatusCase{"NotList", json::object(), "status.traffic", "FieldValueInvalid"}),
    [](const ::testing::TestParamInfo<StatusCase>& info) { return info.param.name; });

TEST(ValidateStatusTest, NoStatusAndOtherKinds) {
  EXPECT_TRUE(ValidateStatus(Kind::kService, testing_util::BaseObject(Kind::kService)).empty());
  json rev = testing_util::BaseObject(Kind::kRevision);
  rev["status"] = {{"traffic", 5}};  // not a field of a Revision's status: ignored
  EXPECT_TRUE(ValidateStatus(Kind::kRevision, rev).empty());
  json svc = testing_util::BaseObject(Kind::kService);
  svc["status"] = "x";
  ASSERT_EQ(ValidateStatus(Kind::kService, svc).size(), 1u);
  EXPECT_EQ(ValidateStatus(Kind::kService, svc)[0].field, "status");
}

}  // namespace validate_traffic_test
}  // namespace ebb::api
