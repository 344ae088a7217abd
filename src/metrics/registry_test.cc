#include "metrics/registry.h"

#include <gtest/gtest.h>

#include "metrics/admin_routes.h"

namespace ebb::metrics {
namespace {

TEST(RegistryTest, EmptyRegistryRendersNothing) { EXPECT_EQ(Registry().Render(), ""); }

TEST(RegistryTest, CollectorsShareFamiliesAndRunAtEveryScrape) {
  Registry registry;
  int scrapes = 0;
  registry.AddCollector([&](Exposition& e) {
    ++scrapes;
    e.Declare("ebb_x", MetricType::kGauge, "X.");
    e.Add("ebb_x", {{"revision_name", "a"}}, scrapes);
  });
  registry.AddCollector([](Exposition& e) {
    e.Declare("ebb_x", MetricType::kGauge, "X again.");
    e.Add("ebb_x", {{"revision_name", "b"}}, 7);
  });
  EXPECT_EQ(registry.Render(),
            "# HELP ebb_x X.\n# TYPE ebb_x gauge\n"
            "ebb_x{revision_name=\"a\"} 1\nebb_x{revision_name=\"b\"} 7\n");
  EXPECT_NE(registry.Render().find("ebb_x{revision_name=\"a\"} 2\n"), std::string::npos);
}

TEST(AdminRoutesTest, ServesTheRegistry) {
  Registry registry;
  registry.AddCollector([](Exposition& e) {
    e.Declare("ebb_up", MetricType::kGauge, "Up.");
    e.Add("ebb_up", {}, 1);
  });
  std::map<std::string, admin::Handler> routes;
  AddAdminRoutes(routes, registry, true);
  ASSERT_EQ(routes.count("/metrics"), 1u);
  admin::Response r = routes["/metrics"]("");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r.body, "# HELP ebb_up Up.\n# TYPE ebb_up gauge\nebb_up 1\n");
}

TEST(AdminRoutesTest, DisabledMetricsAnswer404) {
  Registry registry;
  std::map<std::string, admin::Handler> routes;
  AddAdminRoutes(routes, registry, false);
  admin::Response r = routes["/metrics"]("");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("disabled"), std::string::npos);
}

}  // namespace
}  // namespace ebb::metrics
