// Core v1 (read-only) over HTTPS against a real ApiServer (see test_support.h).
#include "apiserver/media.h"
#include "apiserver/test_support.h"

namespace ebb::apiserver::test {
namespace {

using nlohmann::json;

class CoreTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    core_.SetPods({MakePod("default", "hello-00001-deployment-a", {{"app", "hello"}}, true),
                   MakePod("default", "other-00001-deployment-b", {{"app", "other"}}, false),
                   MakePod("team", "t-1", {{"app", "hello"}}, true)});
  }
};

std::vector<std::string> Names(const json& list) {
  std::vector<std::string> out;
  for (const json& item : list["items"]) out.push_back(item["metadata"]["name"]);
  return out;
}

TEST_F(CoreTest, PodListsWithSelectors) {
  json list = GetJson("/api/v1/namespaces/default/pods?limit=500");
  EXPECT_EQ(list["kind"], "PodList");
  EXPECT_EQ(list["apiVersion"], "v1");
  EXPECT_EQ(list["items"].size(), 2u);
  EXPECT_EQ(Names(GetJson("/api/v1/namespaces/default/pods?labelSelector=app%3Dhello")),
            std::vector<std::string>{"hello-00001-deployment-a"});
  EXPECT_EQ(GetJson("/api/v1/pods")["items"].size(), 3u);
  EXPECT_EQ(Call("GET", "/api/v1/pods?fieldSelector=a")->status, 400);
}

TEST_F(CoreTest, PodTable) {
  json table = GetJson("/api/v1/namespaces/default/pods?labelSelector=app%3Dother", kTableType);
  std::vector<std::string> columns;
  for (const json& c : table["columnDefinitions"]) columns.push_back(c["name"]);
  EXPECT_EQ(columns,
            (std::vector<std::string>{"Name", "Ready", "Status", "Restarts", "Age", "IP", "Node"}));
  EXPECT_EQ(table["columnDefinitions"][5]["priority"], 1);
  ASSERT_EQ(table["rows"].size(), 1u);
  json cells = table["rows"][0]["cells"];
  EXPECT_EQ(cells[0], "other-00001-deployment-b");
  EXPECT_EQ(cells[1], "0/1");
  EXPECT_EQ(cells[2], "Running");
  EXPECT_EQ(cells[3], 2);
  EXPECT_EQ(cells[5], "127.0.0.1");
  EXPECT_EQ(cells[6], "local");
  EXPECT_EQ(table["rows"][0]["object"]["metadata"]["namespace"], "default");
}

TEST_F(CoreTest, PodGetAndLog) {
  json pod = GetJson("/api/v1/namespaces/default/pods/hello-00001-deployment-a");
  EXPECT_EQ(pod["spec"]["containers"][0]["name"], "user-container");

  auto missing = Call("GET", "/api/v1/namespaces/default/pods/nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(json::parse(missing->body)["message"], "pods \"nope\" not found");
  EXPECT_EQ(json::parse(missing->body)["details"]["kind"], "pods");

  core_.SetLog("one\ntwo\nthree\n");
  auto log = Call("GET",
                  "/api/v1/namespaces/default/pods/hello-00001-deployment-a/log"
                  "?container=user-container&tailLines=2",
                  "", "", "application/json, */*");
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->status, 200);
  EXPECT_EQ(log->content_type, "text/plain");
  EXPECT_EQ(log->body, "two\nthree\n");
  core_.EndLog();  // a followed log that has ended comes whole, then the response ends
  auto follow =
      Call("GET", "/api/v1/namespaces/default/pods/hello-00001-deployment-a/log?follow=true");
  EXPECT_EQ(follow->body, "one\ntwo\nthree\n");
  EXPECT_EQ(Call("GET", "/api/v1/namespaces/default/pods/nope/log")->status, 404);
  EXPECT_EQ(Call("GET",
                 "/api/v1/namespaces/default/pods/hello-00001-deployment-a/log"
                 "?tailLines=x")
                ->status,
            400);
}

TEST_F(CoreTest, WritesAreNotAllowed) {
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
    auto res = Call(method, "/api/v1/namespaces/default/pods/hello-00001-deployment-a", "{}");
    ASSERT_TRUE(res.ok());
    EXPECT_EQ(res->status, 405) << method;
    EXPECT_EQ(json::parse(res->body)["reason"], "MethodNotAllowed");
  }
}

TEST_F(CoreTest, IngressGatewayService) {
  core_.SetGateway("127.0.0.1", 8080);
  json svc = GetJson("/api/v1/namespaces/istio-system/services/knative-ingressgateway");
  EXPECT_EQ(svc["kind"], "Service");
  EXPECT_EQ(svc["status"]["loadBalancer"]["ingress"][0]["ip"], "127.0.0.1");
  EXPECT_EQ(svc["spec"]["ports"][0]["port"], 80);
  EXPECT_EQ(svc["spec"]["ports"][0]["nodePort"], 8080);
  EXPECT_EQ(GetJson("/api/v1/services")["items"].size(), 1u);
  EXPECT_TRUE(GetJson("/api/v1/namespaces/default/services")["items"].empty());
  json table = GetJson("/api/v1/services", kTableType);
  EXPECT_EQ(table["rows"][0]["cells"][3], "127.0.0.1");
  EXPECT_EQ(table["rows"][0]["cells"][4], "80:8080/TCP");
  EXPECT_EQ(Call("GET", "/api/v1/namespaces/default/services/knative-ingressgateway")->status, 404);
}

TEST_F(CoreTest, EventsFilteredByInvolvedObject) {
  auto event = [](const std::string& name, const std::string& kind) {
    return json{{"apiVersion", "v1"},
                {"kind", "Event"},
                {"metadata", {{"name", name + ".1"}, {"namespace", "default"}}},
                {"involvedObject", {{"name", name}, {"namespace", "default"}, {"kind", kind}}},
                {"type", "Normal"},
                {"reason", "Created"},
                {"message", "created"}};
  };
  core_.SetEvents({event("hello", "Service"), event("hello", "Configuration")});
  json list = GetJson(
      "/api/v1/namespaces/default/events?fieldSelector=involvedObject.kind%3DService%2C"
      "involvedObject.name%3Dhello%2CinvolvedObject.namespace%3Ddefault&limit=500",
      "application/vnd.kubernetes.protobuf,application/json");
  EXPECT_EQ(list["kind"], "EventList");
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["involvedObject"]["kind"], "Service");
  json table = GetJson("/api/v1/namespaces/default/events", kTableType);
  EXPECT_EQ(table["rows"][0]["cells"][3], "service/hello");
}

TEST_F(CoreTest, NamespacesComeFromObjectsAndPods) {
  CreateService(MakeService("x"), "knative-demo");
  std::vector<std::string> names = Names(GetJson("/api/v1/namespaces"));
  EXPECT_EQ(names, (std::vector<std::string>{"default", "istio-system", "knative-demo", "team"}));
  json ns = GetJson("/api/v1/namespaces/default");
  EXPECT_EQ(ns["kind"], "Namespace");
  EXPECT_EQ(ns["status"]["phase"], "Active");
  EXPECT_EQ(Call("GET", "/api/v1/namespaces/nope")->status, 404);
}

}  // namespace
}  // namespace ebb::apiserver::test
