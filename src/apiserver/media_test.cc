#include "apiserver/media.h"

#include <gtest/gtest.h>

namespace ebb::apiserver {
namespace {

// The exact Accept strings kubectl sends (kubectl-compat.md §1.4).
constexpr char kKubectlTable[] =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;"
    "g=meta.k8s.io,application/json";
constexpr char kDiscovery132[] =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;"
    "g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
constexpr char kDiscovery128[] =
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

TEST(NegotiateObjectTest, TableOnlyWhenAskedFirst) {
  EXPECT_EQ(NegotiateObject(kKubectlTable), ObjectFormat::kTable);
  EXPECT_EQ(NegotiateObject("application/json"), ObjectFormat::kJson);
  EXPECT_EQ(NegotiateObject(""), ObjectFormat::kJson);
  EXPECT_EQ(NegotiateObject("application/json, */*"), ObjectFormat::kJson);
  EXPECT_EQ(NegotiateObject("application/vnd.kubernetes.protobuf,application/json"),
            ObjectFormat::kJson);
  EXPECT_EQ(NegotiateObject("application/json,application/json;as=Table;v=v1;g=meta.k8s.io"),
            ObjectFormat::kJson);
  // Only v1beta1 Tables asked for: we serve v1 only, so the plain-JSON fallback applies.
  EXPECT_EQ(NegotiateObject("application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"),
            ObjectFormat::kJson);
  EXPECT_EQ(NegotiateObject("application/json; as=Table; g=meta.k8s.io; v=v1"),
            ObjectFormat::kTable);
  EXPECT_EQ(NegotiateObject("application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,"
                            "application/json;as=Table;v=v1;g=meta.k8s.io"),
            ObjectFormat::kTable);
}

TEST(NegotiateDiscoveryTest, HonoursTheRequestedVersion) {
  EXPECT_EQ(NegotiateDiscovery(kDiscovery132), DiscoveryFormat::kAggregatedV2);
  EXPECT_EQ(NegotiateDiscovery(kDiscovery128), DiscoveryFormat::kAggregatedV2Beta1);
  EXPECT_EQ(NegotiateDiscovery("application/json, */*"), DiscoveryFormat::kLegacy);
  EXPECT_EQ(NegotiateDiscovery(""), DiscoveryFormat::kLegacy);
  EXPECT_EQ(DiscoveryContentType(DiscoveryFormat::kAggregatedV2),
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  EXPECT_EQ(DiscoveryContentType(DiscoveryFormat::kAggregatedV2Beta1),
            "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList");
  EXPECT_EQ(DiscoveryContentType(DiscoveryFormat::kLegacy), "application/json");
}

TEST(PatchTypeTest, ByContentType) {
  EXPECT_EQ(PatchTypeOf("application/merge-patch+json"), registry::PatchType::kMerge);
  EXPECT_EQ(PatchTypeOf("application/merge-patch+json; charset=utf-8"),
            registry::PatchType::kMerge);
  EXPECT_EQ(PatchTypeOf("application/json-patch+json"), registry::PatchType::kJson);
  EXPECT_EQ(PatchTypeOf("application/apply-patch+yaml"), registry::PatchType::kApply);
  EXPECT_EQ(PatchTypeOf("application/strategic-merge-patch+json"), std::nullopt);
  EXPECT_EQ(PatchTypeOf("application/json"), std::nullopt);
  EXPECT_EQ(PatchTypeOf(""), std::nullopt);
}

TEST(YamlContentTypeTest, Recognised) {
  EXPECT_TRUE(IsYamlContentType("application/yaml"));
  EXPECT_TRUE(IsYamlContentType("application/apply-patch+yaml"));
  EXPECT_FALSE(IsYamlContentType("application/json"));
  EXPECT_FALSE(IsYamlContentType(""));
}

}  // namespace
}  // namespace ebb::apiserver
