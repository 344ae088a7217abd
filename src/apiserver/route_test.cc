#include "apiserver/route.h"

#include <gtest/gtest.h>

namespace ebb::apiserver {
namespace {

TEST(ParseRouteTest, FixedEndpoints) {
  EXPECT_EQ(ParseRoute("/version").endpoint, Endpoint::kVersion);
  EXPECT_EQ(ParseRoute("/healthz").endpoint, Endpoint::kHealth);
  EXPECT_EQ(ParseRoute("/api").endpoint, Endpoint::kCoreVersions);
  EXPECT_EQ(ParseRoute("/api/").endpoint, Endpoint::kCoreVersions);
  EXPECT_EQ(ParseRoute("/api/v1").endpoint, Endpoint::kCoreResources);
  EXPECT_EQ(ParseRoute("/apis").endpoint, Endpoint::kGroups);
  EXPECT_EQ(ParseRoute("/apis/serving.knative.dev").endpoint, Endpoint::kKnativeGroup);
  EXPECT_EQ(ParseRoute("/apis/serving.knative.dev/v1").endpoint, Endpoint::kKnativeResources);
  EXPECT_EQ(ParseRoute("/openapi/v3").endpoint, Endpoint::kOpenApiRoot);
  EXPECT_EQ(ParseRoute("/openapi/v3/apis/serving.knative.dev/v1").endpoint,
            Endpoint::kOpenApiKnative);
}

TEST(ParseRouteTest, UnknownPathsAreNotFound) {
  for (const char* path :
       {"/", "/openapi/v2", "/openapi/v3/apis/apps/v1", "/api/v2", "/apis/apps/v1",
        "/apis/serving.knative.dev/v2", "/apis/serving.knative.dev/v1/widgets",
        "/apis/serving.knative.dev/v1/services/hello",  // a name needs a namespace
        "/apis/serving.knative.dev/v1/namespaces/default/services/hello/scale",
        "/apis/serving.knative.dev/v1/namespaces/default/services/hello/status/x",
        "/api/v1/namespaces/default/deployments", "/api/v1/namespaces/default/pods/p/exec",
        "/api/v1/namespaces/default/services/s/log", "/api/v1/pods/p", "/versions"}) {
    EXPECT_EQ(ParseRoute(path).endpoint, Endpoint::kNotFound) << path;
  }
}

TEST(ParseRouteTest, KnativeCollectionsObjectsAndStatus) {
  Route all = ParseRoute("/apis/serving.knative.dev/v1/revisions");
  EXPECT_EQ(all.endpoint, Endpoint::kKnative);
  EXPECT_EQ(all.kind, api::Kind::kRevision);
  EXPECT_EQ(all.ns, "");
  EXPECT_EQ(all.name, "");

  Route list = ParseRoute("/apis/serving.knative.dev/v1/namespaces/default/services");
  EXPECT_EQ(list.kind, api::Kind::kService);
  EXPECT_EQ(list.ns, "default");
  EXPECT_EQ(list.name, "");

  Route obj = ParseRoute("/apis/serving.knative.dev/v1/namespaces/ns1/routes/hello");
  EXPECT_EQ(obj.kind, api::Kind::kRoute);
  EXPECT_EQ(obj.ns, "ns1");
  EXPECT_EQ(obj.name, "hello");
  EXPECT_EQ(obj.subresource, "");

  Route status =
      ParseRoute("/apis/serving.knative.dev/v1/namespaces/ns1/configurations/hello/status");
  EXPECT_EQ(status.kind, api::Kind::kConfiguration);
  EXPECT_EQ(status.name, "hello");
  EXPECT_EQ(status.subresource, "status");
}

TEST(ParseRouteTest, CoreResources) {
  Route pods = ParseRoute("/api/v1/namespaces/default/pods");
  EXPECT_EQ(pods.endpoint, Endpoint::kCore);
  EXPECT_EQ(pods.core, CoreResource::kPods);
  EXPECT_EQ(pods.ns, "default");

  Route log = ParseRoute("/api/v1/namespaces/default/pods/hello-abc/log");
  EXPECT_EQ(log.core, CoreResource::kPods);
  EXPECT_EQ(log.name, "hello-abc");
  EXPECT_EQ(log.subresource, "log");

  Route svc = ParseRoute("/api/v1/namespaces/istio-system/services/knative-ingressgateway");
  EXPECT_EQ(svc.core, CoreResource::kServices);
  EXPECT_EQ(svc.name, "knative-ingressgateway");

  Route all_svc = ParseRoute("/api/v1/services");
  EXPECT_EQ(all_svc.core, CoreResource::kServices);
  EXPECT_EQ(all_svc.ns, "");

  Route ns_list = ParseRoute("/api/v1/namespaces");
  EXPECT_EQ(ns_list.core, CoreResource::kNamespaces);
  EXPECT_EQ(ns_list.name, "");

  Route ns = ParseRoute("/api/v1/namespaces/default");
  EXPECT_EQ(ns.endpoint, Endpoint::kCore);
  EXPECT_EQ(ns.core, CoreResource::kNamespaces);
  EXPECT_EQ(ns.name, "default");

  Route events = ParseRoute("/api/v1/namespaces/default/events");
  EXPECT_EQ(events.core, CoreResource::kEvents);
}

TEST(ParseRouteTest, SegmentsArePercentDecoded) {
  Route r = ParseRoute("/apis/serving.knative.dev/v1/namespaces/de%66ault/services/a%2Db");
  EXPECT_EQ(r.ns, "default");
  EXPECT_EQ(r.name, "a-b");
}

TEST(QueryTest, SplitsAndDecodes) {
  auto [path, query] = SplitTarget("/api/v1/pods?limit=500&labelSelector=a%3Db");
  EXPECT_EQ(path, "/api/v1/pods");
  EXPECT_EQ(query, "limit=500&labelSelector=a%3Db");
  EXPECT_EQ(SplitTarget("/version").second, "");

  Query q =
      ParseQuery("labelSelector=serving.knative.dev%2Fservice%3Dhello&x=a+b&flag&watch=1&x=second");
  EXPECT_EQ(QueryValue(q, "labelSelector"), "serving.knative.dev/service=hello");
  EXPECT_EQ(QueryValue(q, "x"), "a b");  // first value wins
  EXPECT_EQ(QueryValue(q, "flag"), "");
  EXPECT_TRUE(q.count("flag"));
  EXPECT_EQ(QueryValue(q, "watch"), "1");
  EXPECT_EQ(QueryValue(q, "missing"), "");
}

TEST(QueryTest, SetBasedSelectorAsGoEncodesIt) {
  Query q = ParseQuery("labelSelector=env+in+%28a%2Cb%29%2C%21legacy");
  EXPECT_EQ(QueryValue(q, "labelSelector"), "env in (a,b),!legacy");
}

TEST(ParseBoolTest, LikeGo) {
  for (const char* t : {"1", "t", "T", "TRUE", "true", "True"}) EXPECT_EQ(ParseBool(t), true) << t;
  for (const char* f : {"0", "f", "F", "FALSE", "false", "False"}) {
    EXPECT_EQ(ParseBool(f), false) << f;
  }
  for (const char* bad : {"", "yes", "tRUE", "2"}) EXPECT_EQ(ParseBool(bad), std::nullopt) << bad;
}

}  // namespace
}  // namespace ebb::apiserver
