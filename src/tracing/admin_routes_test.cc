#include "tracing/admin_routes.h"

#include <gtest/gtest.h>

#include "tracing/test_util.h"

namespace ebb::tracing {
namespace {

using nlohmann::json;

TEST(AdminRoutesTest, TracesRoute) {
  TracerOptions o;
  o.tracing.backend = "zipkin";
  o.tracing.zipkin_endpoint = "http://127.0.0.1:9/";
  o.tracing.sample_rate = 1;
  o.start_threads = false;
  o.transport = std::make_unique<FakeTransport>();
  auto tracer = Tracer::Start(std::move(o));
  ASSERT_TRUE(tracer.ok());
  WorkerTracer* w = (*tracer)->NewWorker();
  for (std::string rev : {"default/a-00001", "default/b-00001"}) {
    RequestTrace t;
    w->Begin(SpanContext{}, SteadyTime{}, t);
    w->End(t, RequestEnd{SteadyTime{} + std::chrono::milliseconds(1), 200, true, 0, rev, "::1"});
  }
  (*tracer)->Flush();

  std::map<std::string, admin::Handler> routes;
  AddAdminRoutes(routes, tracer->get());
  ASSERT_EQ(routes.count("/api/traces"), 1u);
  admin::Response all = routes["/api/traces"]("");
  EXPECT_EQ(all.status, 200);
  EXPECT_EQ(all.content_type, "application/json");
  json traces = json::parse(all.body);
  ASSERT_EQ(traces.size(), 2u);
  EXPECT_EQ(traces[0][0]["tags"]["revision"], "b-00001");  // newest first
  EXPECT_EQ(json::parse(routes["/api/traces"]("limit=1").body).size(), 1u);
  json a = json::parse(routes["/api/traces"]("revision=default%2Fa-00001&limit=5").body);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0][0]["tags"]["revision"], "a-00001");
  EXPECT_EQ(routes["/api/traces"]("limit=x").status, 400);
}

TEST(AdminRoutesTest, WithoutTracer) {
  std::map<std::string, admin::Handler> routes;
  AddAdminRoutes(routes, nullptr);
  admin::Response r = routes["/api/traces"]("");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body), json::array());
}

}  // namespace
}  // namespace ebb::tracing
