#include "apiserver/discovery.h"

#include <gtest/gtest.h>

namespace ebb::apiserver {
namespace {

using nlohmann::json;

const json* FindResource(const json& list_items, const std::string& name) {
  for (const json& r : list_items) {
    if (r.value("resource", r.value("name", "")) == name) return &r;
  }
  return nullptr;
}

TEST(DiscoveryTest, VersionSelectsKubectl132) {
  json v = VersionInfo();
  EXPECT_EQ(v["major"], "1");
  EXPECT_EQ(v["minor"], "32");
  EXPECT_EQ(v["gitVersion"], "v1.32.0-ebb");
}

TEST(DiscoveryTest, AggregatedFollowsTheRequestedVersion) {
  json v2 = GroupDiscovery(DiscoveryFormat::kAggregatedV2);
  EXPECT_EQ(v2["apiVersion"], "apidiscovery.k8s.io/v2");
  EXPECT_EQ(v2["kind"], "APIGroupDiscoveryList");
  json beta = GroupDiscovery(DiscoveryFormat::kAggregatedV2Beta1);
  EXPECT_EQ(beta["apiVersion"], "apidiscovery.k8s.io/v2beta1");
  EXPECT_EQ(beta["items"], v2["items"]);

  const json& group = v2["items"][0];
  EXPECT_EQ(group["metadata"]["name"], "serving.knative.dev");
  EXPECT_EQ(group["versions"][0]["version"], "v1");
  const json* ksvc = FindResource(group["versions"][0]["resources"], "services");
  ASSERT_NE(ksvc, nullptr);
  EXPECT_EQ((*ksvc)["responseKind"]["kind"], "Service");
  EXPECT_EQ((*ksvc)["scope"], "Namespaced");
  EXPECT_EQ((*ksvc)["shortNames"], json({"kservice", "ksvc"}));
  EXPECT_NE(FindResource(group["versions"][0]["resources"], "revisions"), nullptr);
}

TEST(DiscoveryTest, CoreAggregatedHasPodsWithLogAndClusterScopedNamespaces) {
  json core = CoreDiscovery(DiscoveryFormat::kAggregatedV2, "127.0.0.1:1");
  const json& group = core["items"][0];
  EXPECT_EQ(group["metadata"]["name"], "");
  const json& resources = group["versions"][0]["resources"];
  const json* pods = FindResource(resources, "pods");
  ASSERT_NE(pods, nullptr);
  EXPECT_EQ((*pods)["subresources"][0]["subresource"], "log");
  EXPECT_EQ((*pods)["shortNames"], json({"po"}));
  const json* ns = FindResource(resources, "namespaces");
  ASSERT_NE(ns, nullptr);
  EXPECT_EQ((*ns)["scope"], "Cluster");
  EXPECT_NE(FindResource(resources, "services"), nullptr);
  EXPECT_NE(FindResource(resources, "events"), nullptr);
}

TEST(DiscoveryTest, Legacy) {
  json api = CoreDiscovery(DiscoveryFormat::kLegacy, "127.0.0.1:6443");
  EXPECT_EQ(api["kind"], "APIVersions");
  EXPECT_EQ(api["versions"], json({"v1"}));
  EXPECT_EQ(api["serverAddressByClientCIDRs"][0]["serverAddress"], "127.0.0.1:6443");
  json apis = GroupDiscovery(DiscoveryFormat::kLegacy);
  EXPECT_EQ(apis["kind"], "APIGroupList");
  EXPECT_EQ(apis["groups"][0]["preferredVersion"]["groupVersion"], "serving.knative.dev/v1");

  json knative = KnativeResourceList();
  EXPECT_EQ(knative["kind"], "APIResourceList");
  EXPECT_EQ(knative["groupVersion"], "serving.knative.dev/v1");
  const json* ksvc = FindResource(knative["resources"], "services");
  ASSERT_NE(ksvc, nullptr);
  EXPECT_EQ((*ksvc)["kind"], "Service");
  EXPECT_EQ((*ksvc)["namespaced"], true);
  EXPECT_NE(FindResource(knative["resources"], "services/status"), nullptr);

  json core = CoreResourceList();
  EXPECT_EQ(core["groupVersion"], "v1");
  EXPECT_NE(FindResource(core["resources"], "pods/log"), nullptr);
}

TEST(OpenApiTest, OnePatchOperationPerKindWithFieldValidation) {
  json doc = OpenApiKnative();
  for (const char* kind : {"Service", "Configuration", "Revision", "Route"}) {
    bool found = false;
    for (const auto& [path, item] : doc["paths"].items()) {
      if (!item.contains("patch")) continue;
      const json& op = item["patch"];
      if (op["x-kubernetes-group-version-kind"]["kind"] != kind) continue;
      found = true;
      EXPECT_EQ(op["x-kubernetes-group-version-kind"]["group"], "serving.knative.dev");
      EXPECT_EQ(op["parameters"][0]["name"], "fieldValidation");
    }
    EXPECT_TRUE(found) << kind;
    json schema = doc["components"]["schemas"][std::string("dev.knative.serving.v1.") + kind];
    EXPECT_EQ(schema["properties"]["spec"]["x-kubernetes-preserve-unknown-fields"], true);
    EXPECT_EQ(schema["x-kubernetes-group-version-kind"][0]["kind"], kind);
  }
  EXPECT_EQ(doc.dump().find("strategic-merge-patch"), std::string::npos);
}

TEST(OpenApiTest, RootPointsAtTheGroupDocumentWithAStableHash) {
  json root = OpenApiRoot();
  std::string url = root["paths"]["apis/serving.knative.dev/v1"]["serverRelativeURL"];
  EXPECT_EQ(url.rfind("/openapi/v3/apis/serving.knative.dev/v1?hash=", 0), 0u);
  EXPECT_GT(url.size(), std::string("/openapi/v3/apis/serving.knative.dev/v1?hash=").size());
  EXPECT_EQ(root, OpenApiRoot());
}

}  // namespace
}  // namespace ebb::apiserver
