#include "dashboard/dashboard.h"

#include <gtest/gtest.h>

namespace ebb::dashboard {
namespace {

using nlohmann::json;

json Pod(const std::string& ns, const std::string& name) {
  return {{"metadata",
           {{"namespace", ns},
            {"name", name},
            {"labels", {{"serving.knative.dev/revision", "hello-00001"}}}}}};
}

// Fakes for the registry and the serving plane, recording what the handlers asked.
struct Fakes {
  FakeClock clock;
  std::map<api::Kind, std::vector<json>> objects;
  Status list_error;
  std::vector<json> pods = {Pod("default", "hello-00001-deployment-1")};
  std::vector<std::pair<std::string, std::optional<int>>> log_calls;

  Sources MakeSources() {
    return {.list = [this](api::Kind kind) -> Result<std::vector<json>> {
              if (!list_error.ok()) return list_error;
              return objects[kind];
            },
            .pods = [this] { return pods; },
            .logs = [this](const std::string& pod, std::optional<int> tail) -> Result<std::string> {
              log_calls.emplace_back(pod, tail);
              return std::string("line 1\nline 2\n");
            },
            .clock = &clock};
  }
};

TEST(OverviewResponse, JsonFromEveryKindAndThePods) {
  Fakes f;
  f.objects[api::Kind::kService] = {{{"metadata", {{"namespace", "default"}, {"name", "hello"}}}}};
  f.objects[api::Kind::kRevision] = {
      {{"metadata", {{"namespace", "default"}, {"name", "hello-00001"}}}}};
  f.objects[api::Kind::kRoute] = {
      {{"metadata", {{"namespace", "default"}, {"name", "hello"}}},
       {"status", {{"traffic", {{{"revisionName", "hello-00001"}, {"percent", 100}}}}}}}};
  admin::Response r = OverviewResponse(f.MakeSources());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  json o = json::parse(r.body);
  EXPECT_EQ(o["services"][0]["name"], "hello");
  EXPECT_EQ(o["revisions"][0]["trafficPercent"], 100);
  EXPECT_EQ(o["revisions"][0]["instances"], 1);
  EXPECT_EQ(o["instances"][0]["name"], "hello-00001-deployment-1");
  EXPECT_EQ(o["time"], FormatRfc3339(f.clock.Now()));
}

TEST(OverviewResponse, RegistryErrorIsReported) {
  Fakes f;
  f.list_error = Status(Code::kUnavailable, "store closed");
  admin::Response r = OverviewResponse(f.MakeSources());
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "store closed\n");
}

TEST(LogsResponse, ReturnsTheTailOfAKnownPod) {
  Fakes f;
  admin::Response r = LogsResponse(f.MakeSources(), "pod=hello-00001-deployment-1&tail=5");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "line 1\nline 2\n");
  ASSERT_EQ(f.log_calls.size(), 1u);
  EXPECT_EQ(f.log_calls[0].first, "hello-00001-deployment-1");
  EXPECT_EQ(f.log_calls[0].second, 5);
}

TEST(LogsResponse, DefaultTailAndNamespace) {
  Fakes f;
  EXPECT_EQ(LogsResponse(f.MakeSources(), "namespace=default&pod=hello-00001-deployment-1").status,
            200);
  ASSERT_EQ(f.log_calls.size(), 1u);
  EXPECT_EQ(f.log_calls[0].second, 200);
}

TEST(LogsResponse, BadRequestsAndUnknownPods) {
  Fakes f;
  EXPECT_EQ(LogsResponse(f.MakeSources(), "").status, 400);
  EXPECT_EQ(LogsResponse(f.MakeSources(), "pod=hello-00001-deployment-1&tail=x").status, 400);
  EXPECT_EQ(LogsResponse(f.MakeSources(), "pod=hello-00001-deployment-1&tail=10001").status, 400);
  EXPECT_EQ(LogsResponse(f.MakeSources(), "pod=nope").status, 404);
  EXPECT_EQ(LogsResponse(f.MakeSources(), "namespace=other&pod=hello-00001-deployment-1").status,
            404);
  EXPECT_TRUE(f.log_calls.empty());
}

TEST(LogsResponse, LogErrorsKeepTheirCode) {
  Fakes f;
  Sources s = f.MakeSources();
  s.logs = [](const std::string&, std::optional<int>) -> Result<std::string> {
    return Status(Code::kNotFound, "gone");
  };
  admin::Response r = LogsResponse(s, "pod=hello-00001-deployment-1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "gone\n");
}

TEST(AddAdminRoutes, ServesThePageOverviewAndLogs) {
  Fakes f;
  std::map<std::string, admin::Handler> routes;
  routes["/healthz"] = [](const std::string&) { return admin::Response{}; };
  AddAdminRoutes(routes, f.MakeSources());
  for (const char* path : {"/", "/dashboard", "/api/overview", "/api/logs", "/healthz"}) {
    EXPECT_TRUE(routes.contains(path)) << path;
  }
  admin::Response page = routes["/dashboard"]("");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<!doctype html>"), std::string::npos);
  EXPECT_EQ(routes["/"]("").body, page.body);
  EXPECT_EQ(routes["/api/overview"]("").status, 200);
  EXPECT_EQ(routes["/api/logs"]("pod=hello-00001-deployment-1").body, "line 1\nline 2\n");
}

}  // namespace
}  // namespace ebb::dashboard
