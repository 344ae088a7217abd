// Table tests for SetDefaults (knative-spec.md §1.2): each defaulting rule, with the value it
// writes and a case where it must leave the user's value alone.
#include "api/validation_test_util.h"

namespace ebb::api {
namespace {

using nlohmann::json;
using testing_util::ApplyEdits;
using testing_util::BaseObject;
using testing_util::Edit;
using testing_util::kDelete;

// An expected value at a JSON pointer after defaulting; kDelete means "absent".
struct Expect {
  std::string pointer;
  json value;
};

struct DefaultCase {
  std::string name;
  Kind kind;
  std::vector<Edit> edits;
  std::vector<Expect> want;
  std::function<void(config::Config&)> config = nullptr;
};

void PrintTo(const DefaultCase& c, std::ostream* os) { *os << c.name; }

class DefaultsTable : public ::testing::TestWithParam<DefaultCase> {};

TEST_P(DefaultsTable, Rule) {
  const DefaultCase& c = GetParam();
  config::Config cfg;
  if (c.config) c.config(cfg);
  json obj = BaseObject(c.kind);
  ApplyEdits(obj, c.edits);
  SetDefaults(c.kind, obj, nullptr, cfg);
  for (const Expect& e : c.want) {
    json::json_pointer ptr(e.pointer);
    if (e.value == kDelete) {
      EXPECT_FALSE(obj.contains(ptr)) << e.pointer << " in " << obj.dump(2);
    } else {
      ASSERT_TRUE(obj.contains(ptr)) << e.pointer << " in " << obj.dump(2);
      EXPECT_EQ(obj[ptr], e.value) << e.pointer;
    }
  }
}

std::string P(const std::string& rest) { return "/spec/template/spec" + rest; }

const Kind S = Kind::kService;
const json kTcpProbe = {{"tcpSocket", {{"port", 0}}}, {"successThreshold", 1}};

INSTANTIATE_TEST_SUITE_P(
    TypeMetaAndTimeouts, DefaultsTable,
    ::testing::Values(
        DefaultCase{"ApiVersionAndKind",
                    S,
                    {{"/apiVersion", kDelete}, {"/kind", kDelete}},
                    {{"/apiVersion", "serving.knative.dev/v1"}, {"/kind", "Service"}}},
        DefaultCase{
            "KindKeptEvenIfWrong", Kind::kRoute, {{"/kind", "Other"}}, {{"/kind", "Other"}}},
        DefaultCase{"TimeoutAbsent", S, {}, {{P("/timeoutSeconds"), 300}}},
        DefaultCase{"TimeoutZero", S, {{P("/timeoutSeconds"), 0}}, {{P("/timeoutSeconds"), 300}}},
        DefaultCase{
            "TimeoutNull", S, {{P("/timeoutSeconds"), nullptr}}, {{P("/timeoutSeconds"), 300}}},
        DefaultCase{"TimeoutKept", S, {{P("/timeoutSeconds"), 100}}, {{P("/timeoutSeconds"), 100}}},
        DefaultCase{"TimeoutWrongTypeKept",
                    S,
                    {{P("/timeoutSeconds"), "abc"}},
                    {{P("/timeoutSeconds"), "abc"}}},
        DefaultCase{"TimeoutFromConfig",
                    S,
                    {},
                    {{P("/timeoutSeconds"), 120}},
                    [](config::Config& c) { c.defaults.revision_timeout_seconds = 120; }},
        DefaultCase{"ConcurrencyAbsent", S, {}, {{P("/containerConcurrency"), 0}}},
        DefaultCase{"ConcurrencyFromConfig",
                    S,
                    {},
                    {{P("/containerConcurrency"), 10}},
                    [](config::Config& c) { c.defaults.container_concurrency = 10; }},
        DefaultCase{"ConcurrencyZeroKept",
                    S,
                    {{P("/containerConcurrency"), 0}},
                    {{P("/containerConcurrency"), 0}},
                    [](config::Config& c) { c.defaults.container_concurrency = 10; }},
        DefaultCase{
            "ResponseStartOffByDefault",
            S,
            {},
            {{P("/responseStartTimeoutSeconds"), kDelete}, {P("/idleTimeoutSeconds"), kDelete}}},
        DefaultCase{"ResponseStartFromConfig",
                    S,
                    {},
                    {{P("/responseStartTimeoutSeconds"), 100}, {P("/idleTimeoutSeconds"), 50}},
                    [](config::Config& c) {
                      c.defaults.revision_response_start_timeout_seconds = 100;
                      c.defaults.revision_idle_timeout_seconds = 50;
                    }},
        DefaultCase{
            "ResponseStartNotBelowTimeout",
            S,
            {{P("/timeoutSeconds"), 100}},
            {{P("/responseStartTimeoutSeconds"), kDelete}},
            [](config::Config& c) { c.defaults.revision_response_start_timeout_seconds = 100; }},
        DefaultCase{
            "ResponseStartKept",
            S,
            {{P("/responseStartTimeoutSeconds"), 7}},
            {{P("/responseStartTimeoutSeconds"), 7}},
            [](config::Config& c) { c.defaults.revision_response_start_timeout_seconds = 100; }}),
    [](const ::testing::TestParamInfo<DefaultCase>& info) { return info.param.name; });

json Sidecar() { return {{"image", "./side"}}; }

INSTANTIATE_TEST_SUITE_P(
    Containers, DefaultsTable,
    ::testing::Values(
        DefaultCase{"SingleName", S, {}, {{P("/containers/0/name"), "user-container"}}},
        DefaultCase{
            "NameKept", S, {{P("/containers/0/name"), "app"}}, {{P("/containers/0/name"), "app"}}},
        DefaultCase{"SeveralNames",
                    S,
                    {{P("/containers/0/ports"), {{{"containerPort", 8080}}}},
                     {P("/containers/1"), Sidecar()}},
                    {{P("/containers/0/name"), "user-container-0"},
                     {P("/containers/1/name"), "user-container-1"}}},
        DefaultCase{"SeveralNamesAvoidClashes",
                    S,
                    {{P("/containers/0/name"), "user-container-0"},
                     {P("/containers/0/ports"), {{{"containerPort", 8080}}}},
                     {P("/containers/1"), Sidecar()}},
                    {{P("/containers/0/name"), "user-container-0"},
                     {P("/containers/1/name"), "user-container-1"}}},
        DefaultCase{"SingleNameClash",
                    S,
                    {{P("/containers/0/name"), "user-container"},
                     {P("/containers/0/ports"), {{{"containerPort", 8080}}}},
                     {P("/containers/1"), Sidecar()},
                     {P("/containers/2"), Sidecar()}},
                    {{P("/containers/1/name"), "user-container-0"},
                     {P("/containers/2/name"), "user-container-1"}}},
        DefaultCase{
            "NameTemplate",
            S,
            {},
            {{P("/containers/0/name"), "hello-app"}},
            [](config::Config& c) { c.defaults.container_name_template = "{{.Name}}-app"; }},
        DefaultCase{"ReadinessProbeAdded", S, {}, {{P("/containers/0/readinessProbe"), kTcpProbe}}},
        DefaultCase{"ReadinessHandlerKept",
                    S,
                    {{P("/containers/0/readinessProbe"), {{"httpGet", {{"path", "/ready"}}}}}},
                    {{P("/containers/0/readinessProbe"),
                      {{"httpGet", {{"path", "/ready"}}}, {"successThreshold", 1}}}}},
        DefaultCase{"ReadinessNoHandlerGetsTcp",
                    S,
                    {{P("/containers/0/readinessProbe"), {{"initialDelaySeconds", 2}}}},
                    {{P("/containers/0/readinessProbe"),
                      {{"initialDelaySeconds", 2},
                       {"tcpSocket", {{"port", 0}}},
                       {"successThreshold", 1}}}}},
        DefaultCase{"ReadinessSuccessThresholdKept",
                    S,
                    {{P("/containers/0/readinessProbe"), {{"successThreshold", 2}}}},
                    {{P("/containers/0/readinessProbe/successThreshold"), 2}}},
        DefaultCase{"ReadinessPeriodicThresholds",
                    S,
                    {{P("/containers/0/readinessProbe"), {{"periodSeconds", 5}}}},
                    {{P("/containers/0/readinessProbe/failureThreshold"), 3},
                     {P("/containers/0/readinessProbe/timeoutSeconds"), 1}}},
        DefaultCase{"ReadinessPeriodicKept",
                    S,
                    {{P("/containers/0/readinessProbe"),
                      {{"periodSeconds", 5}, {"failureThreshold", 1}, {"timeoutSeconds", 4}}}},
                    {{P("/containers/0/readinessProbe/failureThreshold"), 1},
                     {P("/containers/0/readinessProbe/timeoutSeconds"), 4}}},
        DefaultCase{"ReadinessAggressiveNoThresholds",
                    S,
                    {},
                    {{P("/containers/0/readinessProbe/failureThreshold"), kDelete},
                     {P("/containers/0/readinessProbe/timeoutSeconds"), kDelete}}},
        DefaultCase{"ProbeOnlyOnServingContainer",
                    S,
                    {{P("/containers/0/ports"), {{{"containerPort", 8080}}}},
                     {P("/containers/1"), Sidecar()}},
                    {{P("/containers/0/readinessProbe"), kTcpProbe},
                     {P("/containers/1/readinessProbe"), kDelete}}},
        DefaultCase{"GrpcServiceDefaulted",
                    S,
                    {{P("/containers/0/readinessProbe"), {{"grpc", {{"port", 8080}}}}},
                     {P("/containers/0/livenessProbe"), {{"grpc", {{"port", 8080}}}}},
                     {P("/containers/0/startupProbe"), {{"grpc", {{"port", 8080}}}}}},
                    {{P("/containers/0/readinessProbe/grpc/service"), ""},
                     {P("/containers/0/livenessProbe/grpc/service"), ""},
                     {P("/containers/0/startupProbe/grpc/service"), ""}}},
        DefaultCase{"GrpcServiceKept",
                    S,
                    {{P("/containers/0/livenessProbe"),
                      {{"grpc", {{"port", 8080}, {"service", "health"}}}}}},
                    {{P("/containers/0/livenessProbe/grpc/service"), "health"}}},
        DefaultCase{"ReadOnlyMounts",
                    S,
                    {{P("/volumes"),
                      {{{"name", "creds"}, {"secret", {{"secretName", "s"}}}},
                       {{"name", "scratch"}, {"emptyDir", json::object()}}}},
                     {P("/containers/0/volumeMounts"),
                      {{{"name", "creds"}, {"mountPath", "/creds"}, {"readOnly", false}},
                       {{"name", "scratch"}, {"mountPath", "/scratch"}}}}},
                    {{P("/containers/0/volumeMounts/0/readOnly"), true},
                     {P("/containers/0/volumeMounts/1/readOnly"), kDelete}}}),
    [](const ::testing::TestParamInfo<DefaultCase>& info) { return info.param.name; });

const json kLatest100 = json::array({{{"latestRevision", true}, {"percent", 100}}});

INSTANTIATE_TEST_SUITE_P(
    Traffic, DefaultsTable,
    ::testing::Values(
        DefaultCase{"ServiceAbsent", S, {}, {{"/spec/traffic", kLatest100}}},
        DefaultCase{
            "ServiceEmpty", S, {{"/spec/traffic", json::array()}}, {{"/spec/traffic", kLatest100}}},
        DefaultCase{
            "ServiceNull", S, {{"/spec/traffic", nullptr}}, {{"/spec/traffic", kLatest100}}},
        DefaultCase{"TargetLatestImplied",
                    S,
                    {{"/spec/traffic", {{{"percent", 100}}}}},
                    {{"/spec/traffic/0/latestRevision", true}}},
        DefaultCase{"TargetPinned",
                    S,
                    {{"/spec/traffic", {{{"revisionName", "hello-00001"}, {"percent", 100}}}}},
                    {{"/spec/traffic/0/latestRevision", false}}},
        DefaultCase{"TargetPercentZero",
                    S,
                    {{"/spec/traffic", {{{"tag", "t"}, {"revisionName", "hello-00001"}}}}},
                    {{"/spec/traffic/0/percent", 0}}},
        DefaultCase{"TargetKept",
                    S,
                    {{"/spec/traffic", {{{"latestRevision", false}, {"percent", 40}}}}},
                    {{"/spec/traffic/0/latestRevision", false}, {"/spec/traffic/0/percent", 40}}},
        DefaultCase{"RouteNotDefaultedWhenEmpty",
                    Kind::kRoute,
                    {{"/spec/traffic", kDelete}},
                    {{"/spec/traffic", kDelete}}},
        DefaultCase{"RouteTargets",
                    Kind::kRoute,
                    {{"/spec/traffic", {{{"configurationName", "hello"}}}}},
                    {{"/spec/traffic/0/latestRevision", true}, {"/spec/traffic/0/percent", 0}}},
        DefaultCase{
            "RouteOwnedByService",
            Kind::kRoute,
            {{"/spec/traffic", kDelete},
             {"/metadata/ownerReferences",
              {{{"kind", "Service"}, {"name", "hello"}, {"apiVersion", "v"}, {"uid", "u"}}}}},
            {{"/spec/traffic",
              {{{"configurationName", "hello"}, {"latestRevision", true}, {"percent", 100}}}}}}),
    [](const ::testing::TestParamInfo<DefaultCase>& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    Kinds, DefaultsTable,
    ::testing::Values(
        DefaultCase{"RevisionCreate",
                    Kind::kRevision,
                    {},
                    {{"/spec/timeoutSeconds", 300},
                     {"/spec/containerConcurrency", 0},
                     {"/spec/containers/0/name", "user-container"},
                     {"/spec/containers/0/readinessProbe", kTcpProbe}}},
        DefaultCase{"RevisionNameTemplateUsesConfigurationLabel",
                    Kind::kRevision,
                    {{"/metadata/labels", {{"serving.knative.dev/configuration", "cfg"}}}},
                    {{"/spec/containers/0/name", "cfg-c"}},
                    [](config::Config& c) { c.defaults.container_name_template = "{{.Name}}-c"; }},
        DefaultCase{"ConfigurationTemplate",
                    Kind::kConfiguration,
                    {},
                    {{P("/timeoutSeconds"), 300}, {"/spec/traffic", kDelete}}},
        DefaultCase{"ConfigurationWithoutTemplate",
                    Kind::kConfiguration,
                    {{"/spec/template", kDelete}},
                    {{P("/timeoutSeconds"), 300}, {P("/containerConcurrency"), 0}}},
        DefaultCase{"SpecNotObjectLeftAlone", S, {{"/spec", "x"}}, {{"/spec", "x"}}},
        DefaultCase{"ContainersNotListLeftAlone",
                    S,
                    {{P("/containers"), "x"}},
                    {{P("/containers"), "x"}, {P("/timeoutSeconds"), 300}}},
        DefaultCase{"ContainerNotObjectLeftAlone",
                    S,
                    {{P("/containers/0"), 5}},
                    {{P("/containers/0"), 5}}}),
    [](const ::testing::TestParamInfo<DefaultCase>& info) { return info.param.name; });

TEST(DefaultsTest, IdempotentAndValid) {
  config::Config cfg;
  for (Kind kind : kAllKinds) {
    json once = BaseObject(kind);
    SetDefaults(kind, once, nullptr, cfg);
    json twice = once;
    SetDefaults(kind, twice, nullptr, cfg);
    EXPECT_EQ(once, twice) << Info(kind).name;
    EXPECT_TRUE(Validate(kind, once, nullptr, cfg).empty())
        << Info(kind).name << testing_util::Describe(Validate(kind, once, nullptr, cfg));
  }
}

TEST(StampUserInfoTest, CreateSetsBoth) {
  json obj = BaseObject(Kind::kService);
  StampUserInfo(obj, nullptr, "alice");
  EXPECT_EQ(obj["metadata"]["annotations"]["serving.knative.dev/creator"], "alice");
  EXPECT_EQ(obj["metadata"]["annotations"]["serving.knative.dev/lastModifier"], "alice");
}

TEST(StampUserInfoTest, UpdateKeepsCreatorAndStampsModifierOnSpecChange) {
  json old = BaseObject(Kind::kService);
  StampUserInfo(old, nullptr, "alice");
  json same = BaseObject(Kind::kService);  // a replace that lost the annotations
  StampUserInfo(same, &old, "bob");
  EXPECT_EQ(same["metadata"]["annotations"]["serving.knative.dev/creator"], "alice");
  EXPECT_EQ(same["metadata"]["annotations"]["serving.knative.dev/lastModifier"], "alice");
  json changed = same;
  changed["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx";
  StampUserInfo(changed, &old, "bob");
  EXPECT_EQ(changed["metadata"]["annotations"]["serving.knative.dev/creator"], "alice");
  EXPECT_EQ(changed["metadata"]["annotations"]["serving.knative.dev/lastModifier"], "bob");
}

TEST(StampUserInfoTest, SkipsOwnedObjectsAndAnonymousUsers) {
  json owned = BaseObject(Kind::kRoute);
  owned["metadata"]["ownerReferences"] = json::array({{{"kind", "Service"}}});
  StampUserInfo(owned, nullptr, "alice");
  EXPECT_FALSE(owned["metadata"].contains("annotations"));
  json anonymous = BaseObject(Kind::kService);
  StampUserInfo(anonymous, nullptr, "");
  EXPECT_FALSE(anonymous["metadata"].contains("annotations"));
  json odd = "x";
  StampUserInfo(odd, nullptr, "alice");
  EXPECT_EQ(odd, "x");
}

}  // namespace
}  // namespace ebb::api
