#include "cli/resource.h"

#include <gtest/gtest.h>

namespace ebb::cli {
namespace {

TEST(ResourceTest, ResolvesKnativeSpellingsAndPods) {
  for (const char* name :
       {"ksvc", "kservice", "service", "services", "Service", "services.serving.knative.dev"}) {
    Result<ResourceType> type = ResolveResourceType(name);
    ASSERT_TRUE(type.ok()) << name;
    EXPECT_EQ(type->plural, "services") << name;
  }
  EXPECT_EQ(ResolveResourceType("rev")->kind, "Revision");
  EXPECT_EQ(ResolveResourceType("config")->kind, "Configuration");
  EXPECT_EQ(ResolveResourceType("route")->kind, "Route");
  for (const char* name : {"pods", "pod", "po", "PODS"}) {
    Result<ResourceType> type = ResolveResourceType(name);
    ASSERT_TRUE(type.ok()) << name;
    EXPECT_EQ(type->kind, "Pod");
    EXPECT_FALSE(type->writable);
  }
}

TEST(ResourceTest, UnknownKindMessage) {
  Result<ResourceType> type = ResolveResourceType("deployments");
  ASSERT_FALSE(type.ok());
  EXPECT_EQ(type.status().message(),
            "the server doesn't have a resource type \"deployments\" (ebb serves ksvc, "
            "configurations, revisions, routes, pods)");
}

TEST(ResourceTest, NamesAndPaths) {
  ResourceType ksvc = KnativeType(api::Kind::kService);
  EXPECT_EQ(ksvc.ApiVersion(), "serving.knative.dev/v1");
  EXPECT_EQ(ksvc.PathPrefix(), "/apis/serving.knative.dev/v1");
  EXPECT_EQ(ksvc.QualifiedPlural(), "services.serving.knative.dev");
  EXPECT_EQ(ksvc.QualifiedSingular(), "service.serving.knative.dev");
  ResourceType pod = PodType();
  EXPECT_EQ(pod.ApiVersion(), "v1");
  EXPECT_EQ(pod.PathPrefix(), "/api/v1");
  EXPECT_EQ(pod.QualifiedPlural(), "pods");
  EXPECT_EQ(pod.QualifiedSingular(), "pod");
}

TEST(ResourceTest, ManifestKinds) {
  Result<ResourceType> ok = ResolveManifestType("serving.knative.dev/v1", "Route", "r.yaml");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->plural, "routes");

  Result<ResourceType> foo = ResolveManifestType("serving.knative.dev/v1", "Foo", "x.yaml");
  ASSERT_FALSE(foo.ok());
  EXPECT_EQ(foo.status().message(),
            "unknown kind \"Foo\" in x.yaml (ebb serves Service, Configuration, Revision, Route)");
  // Manifests spell kinds exactly; "ksvc" is for the command line only.
  EXPECT_FALSE(ResolveManifestType("serving.knative.dev/v1", "ksvc", "x.yaml").ok());
  EXPECT_FALSE(ResolveManifestType("serving.knative.dev/v1", "Pod", "x.yaml").ok());

  Result<ResourceType> core = ResolveManifestType("v1", "Service", "svc.yaml");
  ASSERT_FALSE(core.ok());
  EXPECT_EQ(core.status().message(),
            "unsupported apiVersion \"v1\" for kind \"Service\" in svc.yaml (ebb serves "
            "serving.knative.dev/v1)");
}

TEST(ResourceTest, NamedArguments) {
  Result<std::vector<NamedResource>> a = ResolveNamedArgs({"ksvc", "a", "b"});
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[1].name, "b");
  EXPECT_EQ((*a)[1].type.plural, "services");

  Result<std::vector<NamedResource>> b = ResolveNamedArgs({"ksvc/a", "rev/a-00001"});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)[1].type.plural, "revisions");
  EXPECT_EQ((*b)[1].name, "a-00001");

  EXPECT_EQ(ResolveNamedArgs({"ksvc"}).status().message(),
            "resource(s) were provided, but no name was specified");
  EXPECT_FALSE(ResolveNamedArgs({}).ok());
  EXPECT_FALSE(ResolveNamedArgs({"ksvc", "rev/x"}).ok());
  EXPECT_FALSE(ResolveNamedArgs({"ksvc/a", "b"}).ok());
  EXPECT_FALSE(ResolveNamedArgs({"ksvc/"}).ok());
  EXPECT_FALSE(ResolveNamedArgs({"nope", "x"}).ok());
}

}  // namespace
}  // namespace ebb::cli
