#include "api/table.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ebb::api {
namespace {

using nlohmann::json;
using std::chrono::seconds;

struct AgeCase {
  std::int64_t secs;
  const char* want;
};

class HumanDurationTest : public testing::TestWithParam<AgeCase> {};

TEST_P(HumanDurationTest, LikeKubernetes) {
  EXPECT_EQ(HumanDuration(seconds(GetParam().secs)), GetParam().want) << GetParam().secs;
}

constexpr std::int64_t kMin = 60, kHour = 3600, kDay = 86400, kYear = 365 * kDay;

INSTANTIATE_TEST_SUITE_P(
    All, HumanDurationTest,
    testing::Values(AgeCase{-5, "<invalid>"}, AgeCase{-1, "0s"}, AgeCase{0, "0s"}, AgeCase{7, "7s"},
                    AgeCase{119, "119s"}, AgeCase{120, "2m"}, AgeCase{200, "3m20s"},
                    AgeCase{599, "9m59s"}, AgeCase{600, "10m"}, AgeCase{45 * kMin, "45m"},
                    AgeCase{179 * kMin + 59, "179m"}, AgeCase{3 * kHour, "3h"},
                    AgeCase{5 * kHour + 10 * kMin, "5h10m"},
                    AgeCase{7 * kHour + 59 * kMin + 59, "7h59m"}, AgeCase{8 * kHour, "8h"},
                    AgeCase{20 * kHour, "20h"}, AgeCase{47 * kHour + 59 * kMin, "47h"},
                    AgeCase{2 * kDay, "2d"}, AgeCase{3 * kDay + 4 * kHour, "3d4h"},
                    AgeCase{7 * kDay + 23 * kHour, "7d23h"}, AgeCase{8 * kDay, "8d"},
                    AgeCase{12 * kDay + 5 * kHour, "12d"}, AgeCase{729 * kDay, "729d"},
                    AgeCase{2 * kYear, "2y"}, AgeCase{2 * kYear + 10 * kDay, "2y10d"},
                    AgeCase{8 * kYear + 10 * kDay, "8y"}));

const Clock::time_point kNow = Clock::time_point(seconds(1'780'000'000));

json ReadyService() {
  return {{"apiVersion", "serving.knative.dev/v1"},
          {"kind", "Service"},
          {"metadata",
           {{"name", "hello"},
            {"namespace", "default"},
            {"uid", "u-1"},
            {"resourceVersion", "1052"},
            {"creationTimestamp", FormatRfc3339(kNow - seconds(7))},
            {"labels", {{"app", "x"}}}}},
          {"spec", {{"template", json::object()}}},
          {"status",
           {{"url", "http://hello.default.example.com"},
            {"latestCreatedRevisionName", "hello-00001"},
            {"latestReadyRevisionName", "hello-00001"},
            {"conditions",
             {{{"type", "ConfigurationsReady"}, {"status", "False"}, {"reason", "X"}},
              {{"type", "Ready"}, {"status", "True"}}}}}}};
}

std::vector<std::string> ColumnNames(Kind kind) {
  std::vector<std::string> names;
  for (const json& c : TableColumns(kind)) names.push_back(c["name"]);
  return names;
}

TEST(TableColumnsTest, PerKind) {
  using V = std::vector<std::string>;
  EXPECT_EQ(ColumnNames(Kind::kService),
            (V{"Name", "URL", "LatestCreated", "LatestReady", "Ready", "Reason", "Age"}));
  EXPECT_EQ(ColumnNames(Kind::kConfiguration),
            (V{"Name", "LatestCreated", "LatestReady", "Ready", "Reason", "Age"}));
  EXPECT_EQ(ColumnNames(Kind::kRevision), (V{"Name", "Config Name", "Generation", "Ready", "Reason",
                                             "Actual Replicas", "Desired Replicas", "Age"}));
  EXPECT_EQ(ColumnNames(Kind::kRoute), (V{"Name", "URL", "Ready", "Reason", "Age"}));
}

TEST(TableColumnsTest, Definitions) {
  json cols = TableColumns(Kind::kRevision);
  EXPECT_EQ(cols[0]["format"], "name");
  EXPECT_EQ(cols[0]["type"], "string");
  EXPECT_EQ(cols[5]["type"], "integer");
  EXPECT_EQ(cols.back()["type"], "date");
  for (const json& c : cols) {
    EXPECT_EQ(c["priority"], 0);
    EXPECT_FALSE(c["description"].get<std::string>().empty());
  }
}

TEST(TableRowTest, ServiceCellsAndPartialMetadata) {
  json row = TableRow(Kind::kService, ReadyService(), kNow, false);
  EXPECT_EQ(row["cells"], json({"hello", "http://hello.default.example.com", "hello-00001",
                                "hello-00001", "True", nullptr, "7s"}));
  const json& obj = row["object"];
  EXPECT_EQ(obj["kind"], "PartialObjectMetadata");
  EXPECT_EQ(obj["apiVersion"], "meta.k8s.io/v1");
  EXPECT_EQ(obj["metadata"]["namespace"], "default");
  EXPECT_EQ(obj["metadata"]["labels"]["app"], "x");
  EXPECT_FALSE(obj.contains("spec"));
}

TEST(TableRowTest, FullObjectWhenAsked) {
  json row = TableRow(Kind::kService, ReadyService(), kNow, true);
  EXPECT_EQ(row["object"], ReadyService());
}

TEST(TableRowTest, MissingValuesAreNull) {
  json fresh = {{"metadata", {{"name", "new"}}}};
  json row = TableRow(Kind::kService, fresh, kNow, false);
  EXPECT_EQ(row["cells"], json({"new", nullptr, nullptr, nullptr, nullptr, nullptr, "<unknown>"}));
}

TEST(TableRowTest, RevisionCells) {
  json rev = {
      {"metadata",
       {{"name", "hello-00002"},
        {"creationTimestamp", FormatRfc3339(kNow - seconds(3 * 3600 + 600))},
        {"labels",
         {{"serving.knative.dev/configuration", "hello"},
          {"serving.knative.dev/configurationGeneration", "2"}}}}},
      {"status",
       {{"actualReplicas", 1},
        {"desiredReplicas", 2},
        {"conditions", {{{"type", "Ready"}, {"status", "Unknown"}, {"reason", "Deploying"}}}}}}};
  EXPECT_EQ(TableRow(Kind::kRevision, rev, kNow, false)["cells"],
            json({"hello-00002", "hello", "2", "Unknown", "Deploying", 1, 2, "3h10m"}));
}

TEST(TableRowTest, ConfigurationAndRouteCells) {
  json cfg = ReadyService();
  EXPECT_EQ(TableRow(Kind::kConfiguration, cfg, kNow, false)["cells"],
            json({"hello", "hello-00001", "hello-00001", "True", nullptr, "7s"}));
  json route = ReadyService();
  route["status"]["conditions"] = {
      {{"type", "Ready"}, {"status", "False"}, {"reason", "RevisionMissing"}}};
  EXPECT_EQ(TableRow(Kind::kRoute, route, kNow, false)["cells"],
            json({"hello", "http://hello.default.example.com", "False", "RevisionMissing", "7s"}));
}

TEST(TableRowTest, WrongTypesAreNull) {
  json odd = {{"metadata", {{"name", 5}, {"creationTimestamp", "yesterday"}}},
              {"status", {{"url", 1}, {"conditions", "none"}, {"actualReplicas", "1"}}}};
  EXPECT_EQ(TableRow(Kind::kRevision, odd, kNow, false)["cells"],
            json({nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, "<unknown>"}));
  json row = TableRow(Kind::kRoute, json::array(), kNow, false);
  EXPECT_EQ(row["object"]["metadata"], json::object());
}

TEST(ToTableTest, Shape) {
  json table = ToTable(Kind::kService, {ReadyService(), ReadyService()}, "1053", kNow, false);
  EXPECT_EQ(table["kind"], "Table");
  EXPECT_EQ(table["apiVersion"], "meta.k8s.io/v1");
  EXPECT_EQ(table["metadata"]["resourceVersion"], "1053");
  EXPECT_EQ(table["columnDefinitions"], TableColumns(Kind::kService));
  EXPECT_EQ(table["rows"].size(), 2u);
  json empty = ToTable(Kind::kRoute, {}, "7", kNow, false);
  EXPECT_TRUE(empty["rows"].is_array());
  EXPECT_TRUE(empty["rows"].empty());
}

}  // namespace
}  // namespace ebb::api
