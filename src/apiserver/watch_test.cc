#include "apiserver/watch.h"

#include <gtest/gtest.h>

namespace ebb::apiserver {
namespace {

using nlohmann::json;

json Pod(const std::string& name, const std::string& phase) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", "default"}, {"resourceVersion", "7"}}},
          {"spec", {{"containers", json::array({{{"name", "user-container"}}})}}},
          {"status", {{"phase", phase}}}};
}

Request WatchRequest(const std::string& target, const std::string& accept = "application/json") {
  auto [path, query] = SplitTarget(target);
  Request req;
  req.method = "GET";
  req.route = ParseRoute(path);
  req.query = ParseQuery(query);
  req.accept = accept;
  return req;
}

TEST(ParseWatchTest, ReadsSelectorsVersionAndTimeout) {
  auto spec = ParseWatch(WatchRequest(
      "/apis/serving.knative.dev/v1/namespaces/default/services?fieldSelector=metadata.name%3Dhello"
      "&resourceVersion=12&timeoutSeconds=5&watch=true"));
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->resource_version, "12");
  EXPECT_EQ(spec->timeout, std::chrono::seconds(5));
  EXPECT_EQ(spec->format, ObjectFormat::kJson);
  EXPECT_TRUE(spec->opts.fields.Matches(json{{"metadata", {{"name", "hello"}}}}));
  EXPECT_FALSE(spec->opts.fields.Matches(json{{"metadata", {{"name", "other"}}}}));
}

TEST(ParseWatchTest, DefaultsAndErrors) {
  auto spec = ParseWatch(WatchRequest("/api/v1/namespaces/default/pods?watch=1&timeoutSeconds=0"));
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->timeout, kDefaultWatchTimeout);
  EXPECT_EQ(spec->resource_version, "");

  auto bad_timeout = ParseWatch(WatchRequest("/api/v1/pods?watch=1&timeoutSeconds=abc"));
  EXPECT_EQ(bad_timeout.status().code(), Code::kBadRequest);
  auto bad_selector = ParseWatch(WatchRequest("/api/v1/pods?watch=1&labelSelector=a%20in%20("));
  EXPECT_EQ(bad_selector.status().code(), Code::kBadRequest);
}

TEST(IsWatchTest, OnlyGetOnACollectionWithATrueWatchParameter) {
  EXPECT_TRUE(IsWatch(WatchRequest("/api/v1/pods?watch=True")));
  EXPECT_TRUE(IsWatch(WatchRequest("/apis/serving.knative.dev/v1/routes?watch=1")));
  EXPECT_FALSE(IsWatch(WatchRequest("/api/v1/pods?watch=false")));
  EXPECT_FALSE(IsWatch(WatchRequest("/api/v1/pods")));
  EXPECT_FALSE(IsWatch(WatchRequest("/api/v1/namespaces/default/pods/p?watch=true")));
  EXPECT_FALSE(IsWatch(WatchRequest("/version?watch=true")));
  Request post = WatchRequest("/api/v1/pods?watch=true");
  post.method = "POST";
  EXPECT_FALSE(IsWatch(post));
}

TEST(EventLineTest, PlainObjectOrOneRowTable) {
  auto plain = ParseWatch(WatchRequest("/api/v1/namespaces/default/pods?watch=1"));
  ASSERT_TRUE(plain.ok());
  std::string line = EventLine(*plain, "ADDED", Pod("p", "Running"), Clock::time_point());
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_EQ(json::parse(line), json({{"type", "ADDED"}, {"object", Pod("p", "Running")}}));

  auto table =
      ParseWatch(WatchRequest("/api/v1/namespaces/default/pods?watch=1", std::string(kTableType)));
  ASSERT_TRUE(table.ok());
  json event = json::parse(EventLine(*table, "MODIFIED", Pod("p", "Running"), Clock::time_point()));
  EXPECT_EQ(event["type"], "MODIFIED");
  EXPECT_EQ(event["object"]["kind"], "Table");
  EXPECT_EQ(event["object"]["metadata"]["resourceVersion"], "7");
  ASSERT_EQ(event["object"]["rows"].size(), 1u);
  EXPECT_EQ(event["object"]["rows"][0]["cells"][0], "p");
  EXPECT_EQ(event["object"]["rows"][0]["object"]["kind"], "PartialObjectMetadata");
}

TEST(EventLineTest, ErrorCarriesAStatus) {
  json event = json::parse(ErrorEventLine(Status(Code::kGone, "too old resource version: 1 (5)")));
  EXPECT_EQ(event["type"], "ERROR");
  EXPECT_EQ(event["object"]["kind"], "Status");
  EXPECT_EQ(event["object"]["code"], 410);
  EXPECT_EQ(event["object"]["reason"], "Expired");
}

TEST(DiffSnapshotsTest, AddedModifiedDeleted) {
  CoreSnapshot before = MakeSnapshot({Pod("a", "Running"), Pod("b", "Pending")});
  CoreSnapshot after = MakeSnapshot({Pod("b", "Running"), Pod("c", "Pending")});
  std::vector<CoreChange> changes = DiffSnapshots(before, after);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_STREQ(changes[0].type, "MODIFIED");
  EXPECT_EQ(changes[0].object, Pod("b", "Running"));
  EXPECT_STREQ(changes[1].type, "ADDED");
  EXPECT_EQ(changes[1].object, Pod("c", "Pending"));
  EXPECT_STREQ(changes[2].type, "DELETED");
  EXPECT_EQ(changes[2].object, Pod("a", "Running"));
  EXPECT_TRUE(DiffSnapshots(after, after).empty());
}

TEST(DiffSnapshotsTest, SameNameInTwoNamespacesIsTwoObjects) {
  json other = Pod("a", "Running");
  other["metadata"]["namespace"] = "other";
  CoreSnapshot snap = MakeSnapshot({Pod("a", "Running"), other});
  EXPECT_EQ(snap.size(), 2u);
  EXPECT_EQ(DiffSnapshots({}, snap).size(), 2u);
}

TEST(ReplaysCurrentObjectsTest, EmptyOrZero) {
  EXPECT_TRUE(ReplaysCurrentObjects(""));
  EXPECT_TRUE(ReplaysCurrentObjects("0"));
  EXPECT_FALSE(ReplaysCurrentObjects("1"));
  EXPECT_FALSE(ReplaysCurrentObjects("1042"));
}

}  // namespace
}  // namespace ebb::apiserver
