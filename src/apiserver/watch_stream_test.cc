// Watch streams over HTTPS against a real ApiServer (see test_support.h).
#include "apiserver/media.h"
#include "apiserver/test_support.h"

namespace ebb::apiserver::test {
namespace {

using nlohmann::json;
using std::chrono_literals::operator""s;

constexpr char kServices[] = "/apis/serving.knative.dev/v1/namespaces/default/services";

class WatchTest : public ServerTest {
 protected:
  std::unique_ptr<net::LineStream> Watch(const std::string& target,
                                         std::string_view accept = "application/json") {
    auto stream = net::HttpsStream(endpoint_, "GET", target, "", "", accept);
    EXPECT_TRUE(stream.ok()) << stream.status().ToString();
    if (!stream.ok()) return nullptr;
    EXPECT_EQ((*stream)->status(), 200);
    return std::move(stream).value();
  }

  // The next event; a test failure (and null) if none comes within 10 s.
  static json Next(net::LineStream& stream) {
    auto line = stream.NextLine(std::chrono::milliseconds(10'000));
    EXPECT_TRUE(line.ok()) << line.status().ToString();
    if (!line.ok() || !line->has_value()) return nullptr;
    return json::parse(**line, nullptr, false);
  }
};

TEST_F(WatchTest, SendsChangesAfterTheListVersion) {
  CreateService(MakeService("before"));
  std::string rv = GetJson(kServices)["metadata"]["resourceVersion"];
  auto stream = Watch(std::string(kServices) + "?resourceVersion=" + rv + "&watch=true");
  ASSERT_TRUE(stream);
  EXPECT_EQ(stream->content_type(), "application/json");
  CreateService(MakeService("after"));
  json added = Next(*stream);
  EXPECT_EQ(added["type"], "ADDED");
  EXPECT_EQ(added["object"]["metadata"]["name"], "after");

  ASSERT_EQ(Call("DELETE", std::string(kServices) + "/after")->status, 200);
  json deleted = Next(*stream);
  EXPECT_EQ(deleted["type"], "DELETED");
  EXPECT_EQ(deleted["object"]["metadata"]["name"], "after");
}

TEST_F(WatchTest, FromZeroReplaysCurrentObjectsFirst) {
  CreateService(MakeService("hello"));
  auto stream = Watch(std::string(kServices) +
                      "?fieldSelector=metadata.name%3Dhello&resourceVersion=0&watch=True");
  ASSERT_TRUE(stream);
  json first = Next(*stream);
  EXPECT_EQ(first["type"], "ADDED");
  EXPECT_EQ(first["object"]["metadata"]["name"], "hello");
}

TEST_F(WatchTest, TableEventsWhenATableWasAskedFor) {
  auto stream = Watch(std::string(kServices) + "?watch=1", kTableType);
  ASSERT_TRUE(stream);
  EXPECT_EQ(stream->content_type(), kTableType);
  CreateService(MakeService("hello"));
  json ev = Next(*stream);
  EXPECT_EQ(ev["type"], "ADDED");
  EXPECT_EQ(ev["object"]["kind"], "Table");
  ASSERT_EQ(ev["object"]["rows"].size(), 1u);
  EXPECT_EQ(ev["object"]["rows"][0]["cells"][0], "hello");
}

TEST_F(WatchTest, EndsAfterTimeoutSeconds) {
  auto stream = Watch(std::string(kServices) + "?timeoutSeconds=1&watch=true");
  ASSERT_TRUE(stream);
  auto line = stream->NextLine(std::chrono::milliseconds(10'000));
  ASSERT_TRUE(line.ok()) << line.status().ToString();
  EXPECT_FALSE(line->has_value());
}

TEST_F(WatchTest, StopEndsOpenStreams) {
  auto stream = Watch(std::string(kServices) + "?watch=true");
  ASSERT_TRUE(stream);
  auto started = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 4s);
  auto line = stream->NextLine(std::chrono::milliseconds(10'000));
  // Closed by the server: either an orderly end or a reset, never a timeout.
  if (line.ok()) {
    EXPECT_FALSE(line->has_value());
  } else {
    EXPECT_EQ(line.status().code(), Code::kUnavailable) << line.status().ToString();
  }
}

TEST_F(WatchTest, ATooOldVersionGivesAnExpiredErrorEvent) {
  CreateService(MakeService("a"));
  ASSERT_EQ(Call("DELETE", std::string(kServices) + "/a")->status, 200);
  CreateService(MakeService("b"));
  ASSERT_TRUE(store_->Compact(store_->CurrentRev()).ok());
  auto stream = Watch(std::string(kServices) + "?resourceVersion=1&watch=true");
  ASSERT_TRUE(stream);
  json ev = Next(*stream);
  EXPECT_EQ(ev["type"], "ERROR");
  EXPECT_EQ(ev["object"]["code"], 410);
  EXPECT_EQ(ev["object"]["reason"], "Expired");
}

TEST_F(WatchTest, BadSelectorIsA400NotAStream) {
  auto res = Call("GET", std::string(kServices) + "?watch=true&labelSelector=a+in+%28");
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 400);
}

TEST_F(WatchTest, CorePodsArePolledForChanges) {
  core_.SetPods({MakePod("default", "old", {}, true)});
  auto stream = Watch("/api/v1/namespaces/default/pods?resourceVersion=1&watch=true");
  ASSERT_TRUE(stream);
  core_.SetPods({MakePod("default", "old", {}, true), MakePod("default", "new", {}, false)});
  json added = Next(*stream);
  EXPECT_EQ(added["type"], "ADDED");
  EXPECT_EQ(added["object"]["metadata"]["name"], "new");
  core_.SetPods({MakePod("default", "new", {}, true)});
  json modified = Next(*stream);
  json deleted = Next(*stream);
  EXPECT_EQ(modified["type"], "MODIFIED");
  EXPECT_EQ(modified["object"]["metadata"]["name"], "new");
  EXPECT_EQ(deleted["type"], "DELETED");
  EXPECT_EQ(deleted["object"]["metadata"]["name"], "old");
}

TEST_F(WatchTest, CoreWatchFromZeroStartsWithTheCurrentPods) {
  core_.SetPods({MakePod("default", "p", {}, true)});
  auto stream = Watch("/api/v1/namespaces/default/pods?watch=true", kTableType);
  ASSERT_TRUE(stream);
  json ev = Next(*stream);
  EXPECT_EQ(ev["type"], "ADDED");
  EXPECT_EQ(ev["object"]["kind"], "Table");
  EXPECT_EQ(ev["object"]["rows"][0]["cells"][0], "p");
}

}  // namespace
}  // namespace ebb::apiserver::test
