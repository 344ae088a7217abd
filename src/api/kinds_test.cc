#include "api/kinds.h"

#include <gtest/gtest.h>

namespace ebb::api {
namespace {

TEST(KindsTest, InfoTable) {
  EXPECT_STREQ(Info(Kind::kService).name, "Service");
  EXPECT_STREQ(Info(Kind::kService).plural, "services");
  EXPECT_STREQ(Info(Kind::kService).list_kind, "ServiceList");
  EXPECT_EQ(Info(Kind::kService).short_names, (std::vector<std::string>{"kservice", "ksvc"}));
  EXPECT_STREQ(Info(Kind::kConfiguration).singular, "configuration");
  EXPECT_EQ(Info(Kind::kConfiguration).short_names, (std::vector<std::string>{"config", "cfg"}));
  EXPECT_STREQ(Info(Kind::kRevision).list_kind, "RevisionList");
  EXPECT_EQ(Info(Kind::kRevision).short_names, (std::vector<std::string>{"rev"}));
  EXPECT_STREQ(Info(Kind::kRoute).plural, "routes");
  EXPECT_EQ(Info(Kind::kRoute).short_names, (std::vector<std::string>{"rt"}));
  for (Kind k : kAllKinds) EXPECT_EQ(Info(k).kind, k);
}

struct NameCase {
  const char* name;
  std::optional<Kind> kind;
};

class KindFromNameTest : public testing::TestWithParam<NameCase> {};

TEST_P(KindFromNameTest, Resolves) {
  EXPECT_EQ(KindFromName(GetParam().name), GetParam().kind) << GetParam().name;
}

INSTANTIATE_TEST_SUITE_P(
    All, KindFromNameTest,
    testing::Values(NameCase{"services", Kind::kService}, NameCase{"service", Kind::kService},
                    NameCase{"ksvc", Kind::kService}, NameCase{"kservice", Kind::kService},
                    NameCase{"Service", Kind::kService}, NameCase{"KSVC", Kind::kService},
                    NameCase{"services.serving.knative.dev", Kind::kService},
                    NameCase{"ksvc.serving.knative.dev", Kind::kService},
                    NameCase{"services.v1.serving.knative.dev", Kind::kService},
                    NameCase{"configurations", Kind::kConfiguration},
                    NameCase{"configuration", Kind::kConfiguration},
                    NameCase{"config", Kind::kConfiguration}, NameCase{"cfg", Kind::kConfiguration},
                    NameCase{"Configuration", Kind::kConfiguration},
                    NameCase{"revisions", Kind::kRevision}, NameCase{"revision", Kind::kRevision},
                    NameCase{"rev", Kind::kRevision}, NameCase{"routes", Kind::kRoute},
                    NameCase{"route", Kind::kRoute}, NameCase{"rt", Kind::kRoute},
                    NameCase{"Route", Kind::kRoute}, NameCase{"pods", std::nullopt},
                    NameCase{"", std::nullopt}, NameCase{"svcs", std::nullopt},
                    NameCase{"services.apps", std::nullopt},
                    NameCase{".serving.knative.dev", std::nullopt}));

TEST(KindsTest, QualifiedResource) {
  EXPECT_EQ(QualifiedResource(Kind::kService), "services.serving.knative.dev");
  EXPECT_EQ(QualifiedResource(Kind::kConfiguration), "configurations.serving.knative.dev");
  EXPECT_EQ(QualifiedResource(Kind::kRevision), "revisions.serving.knative.dev");
  EXPECT_EQ(QualifiedResource(Kind::kRoute), "routes.serving.knative.dev");
}

}  // namespace
}  // namespace ebb::api
