#include "controller/index.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace ebb::controller {
namespace index_test {

using nlohmann::json;
using Names = std::vector<std::string>;

json Route(const std::string& name, json spec_traffic, json status_traffic = nullptr) {
  json r = {{"metadata", {{"name", name}, {"namespace", "default"}}},
            {"spec", {{"traffic", std::move(spec_traffic)}}}};
  if (!status_traffic.is_null()) r["status"]["traffic"] = std::move(status_traffic);
  return r;
}

json Revision(const std::string& name, const std::string& config, const std::string& rv) {
  return {{"metadata",
           {{"name", name},
            {"namespace", "default"},
            {"resourceVersion", rv},
            {"labels", {{"serving.knative.dev/configuration", config}}}}}};
}

TEST(ControllerIndexTest, RoutesReferencingFollowSpecAndStatus) {
  ControllerIndex index;
  index.OnRoute(Route("a", json::parse(R"([{"configurationName": "c1", "percent": 100}])")),
                false);
  index.OnRoute(Route("b", json::parse(R"([{"revisionName": "r9", "percent": 100}])"),
                      json::parse(R"([{"revisionName": "r9"}])")),
                false);
  EXPECT_EQ(index.RoutesReferencing(api::Kind::kConfiguration, "default", "c1"), Names{"a"});
  EXPECT_EQ(index.RoutesReferencing(api::Kind::kRevision, "default", "r9"), Names{"b"});
  EXPECT_TRUE(index.RoutesReferencing(api::Kind::kRevision, "default", "c1").empty());
  EXPECT_TRUE(index.RoutesReferencing(api::Kind::kConfiguration, "other", "c1").empty());

  // a resolves c1 to c1-00001; it now references that revision too.
  index.OnRoute(Route("a", json::parse(R"([{"configurationName": "c1", "percent": 100}])"),
                      json::parse(R"([{"revisionName": "c1-00001"}])")),
                false);
  EXPECT_EQ(index.RoutesReferencing(api::Kind::kRevision, "default", "c1-00001"), Names{"a"});
  // a now names c2: c1 no longer queues it.
  index.OnRoute(Route("a", json::parse(R"([{"configurationName": "c2", "percent": 100}])")),
                false);
  EXPECT_TRUE(index.RoutesReferencing(api::Kind::kConfiguration, "default", "c1").empty());
  EXPECT_EQ(index.RoutesReferencing(api::Kind::kConfiguration, "default", "c2"), Names{"a"});
  index.OnRoute(Route("a", nullptr), true);
  EXPECT_TRUE(index.RoutesReferencing(api::Kind::kConfiguration, "default", "c2").empty());
}

TEST(ControllerIndexTest, RoutedChangesAreReportedOncePerRevision) {
  ControllerIndex index;
  auto traffic = [](const char* text) { return json::parse(text); };
  EXPECT_EQ(index.OnRoute(Route("a", nullptr, traffic(R"([{"revisionName": "r1"}])")), false),
            Names{"r1"});
  // A second route routing r1 changes nothing about r1.
  EXPECT_EQ(index.OnRoute(Route("b", nullptr,
                                traffic(R"([{"revisionName": "r1"}, {"revisionName": "r2"}])")),
                          false),
            Names{"r2"});
  EXPECT_TRUE(index.Routed("default", "r1"));
  // a moves to r3: r1 stays routed (by b).
  EXPECT_EQ(index.OnRoute(Route("a", nullptr, traffic(R"([{"revisionName": "r3"}])")), false),
            Names{"r3"});
  EXPECT_TRUE(index.Routed("default", "r1"));
  // b goes away: r1 and r2 are no longer routed.
  Names changed = index.OnRoute(Route("b", nullptr), true);
  std::sort(changed.begin(), changed.end());
  EXPECT_EQ(changed, (Names{"r1", "r2"}));
  EXPECT_FALSE(index.Routed("default", "r1"));
  EXPECT_TRUE(index.Routed("default", "r3"));
  EXPECT_FALSE(index.Routed("other", "r3"));
}

TEST(ControllerIndexTest, RevisionsOfAConfiguration) {
  ControllerIndex index;
  index.OnRevision(Revision("c1-00001", "c1", "5"), false);
  index.OnRevision(Revision("c1-00002", "c1", "6"), false);
  index.OnRevision(Revision("c2-00001", "c2", "7"), false);
  index.OnRevision(Revision("c1-00001", "c1", "8"), false);  // relabelled: the newer copy
  std::vector<json> revs = index.RevisionsOf("default", "c1");
  ASSERT_EQ(revs.size(), 2u);
  EXPECT_EQ(revs[0]["metadata"]["resourceVersion"], "8");
  index.OnRevision(Revision("c1-00002", "c1", "9"), true);
  EXPECT_EQ(index.RevisionsOf("default", "c1").size(), 1u);
  // A revision whose configuration label changes moves.
  index.OnRevision(Revision("c2-00001", "c3", "10"), false);
  EXPECT_TRUE(index.RevisionsOf("default", "c2").empty());
  EXPECT_EQ(index.RevisionsOf("default", "c3").size(), 1u);
  EXPECT_TRUE(index.RevisionsOf("other", "c1").empty());
}

}  // namespace index_test
}  // namespace ebb::controller
