// Update rules (knative-spec.md §1.4 and Revision immutability): bring-your-own revision names
// must change with the template, a Revision's spec never changes, the creator stays; and the
// Kubernetes-style 422 Status.
#include "api/validation_test_util.h"

namespace ebb::api {
namespace validate_update_test {

using nlohmann::json;
using testing_util::ApplyEdits;
using testing_util::BaseObject;
using testing_util::Edit;

struct UpdateCase {
  std::string name;
  Kind kind;
  std::vector<Edit> before;  // applied to the base object to make the stored one
  std::vector<Edit> after;   // applied to the stored one to make the update
  std::string field;         // "" = the update is valid
  std::string reason;
  std::string message;
};

void PrintTo(const UpdateCase& c, std::ostream* os) { *os << c.name; }

class UpdateTable : public ::testing::TestWithParam<UpdateCase> {};

TEST_P(UpdateTable, Rule) {
  const UpdateCase& c = GetParam();
  config::Config cfg;
  json old = BaseObject(c.kind);
  ApplyEdits(old, c.before);
  SetDefaults(c.kind, old, nullptr, cfg);
  ASSERT_TRUE(Validate(c.kind, old, nullptr, cfg).empty())
      << testing_util::Describe(Validate(c.kind, old, nullptr, cfg));
  json obj = old;
  ApplyEdits(obj, c.after);
  SetDefaults(c.kind, obj, &old, cfg);
  testing_util::ExpectCase({c.name, c.kind, {}, c.field, c.reason, c.message},
                           Validate(c.kind, obj, &old, cfg));
}

const std::string kName = "/spec/template/metadata/name";
const std::string kImage = "/spec/template/spec/containers/0/image";
const std::string kCreator = "/metadata/annotations/serving.knative.dev~1creator";
constexpr char kInvalid[] = "FieldValueInvalid";

INSTANTIATE_TEST_SUITE_P(
    All, UpdateTable,
    ::testing::Values(
        UpdateCase{"TemplateChangedNameKept",
                   Kind::kService,
                   {{kName, "hello-v1"}},
                   {{kImage, "./bin/hello2"}},
                   "spec.template.metadata.name",
                   kInvalid,
                   "Saw the following changes without a name change (-old +new): "
                   "spec.containers[0].image: -\"./bin/hello\" +\"./bin/hello2\""},
        UpdateCase{"TemplateChangedNameChanged",
                   Kind::kService,
                   {{kName, "hello-v1"}},
                   {{kImage, "./bin/hello2"}, {kName, "hello-v2"}},
                   "",
                   "",
                   ""},
        UpdateCase{"TrafficChangedNameKept",
                   Kind::kService,
                   {{kName, "hello-v1"}},
                   {{"/spec/traffic", {{{"revisionName", "hello-v1"}, {"percent", 100}}}}},
                   "",
                   "",
                   ""},
        UpdateCase{
            "TemplateChangedNoName", Kind::kService, {}, {{kImage, "./bin/hello2"}}, "", "", ""},
        UpdateCase{"AnnotationChangedNameKept",
                   Kind::kConfiguration,
                   {{kName, "hello-v1"}},
                   {{"/spec/template/metadata/annotations", {{"note", "x"}}}},
                   "spec.template.metadata.name",
                   kInvalid,
                   "metadata.annotations: -null +{\"note\":\"x\"}"},
        UpdateCase{"ConfigurationNameChanged",
                   Kind::kConfiguration,
                   {{kName, "hello-v1"}},
                   {{kImage, "nginx"}, {kName, "hello-v2"}},
                   "",
                   "",
                   ""},
        UpdateCase{"NameAddedLater", Kind::kConfiguration, {}, {{kName, "hello-v1"}}, "", "", ""},
        UpdateCase{"RevisionSpecImmutable",
                   Kind::kRevision,
                   {},
                   {{"/spec/containers/0/image", "nginx"}},
                   "spec",
                   kInvalid,
                   "Immutable fields changed (-old +new): containers[0].image"},
        UpdateCase{"RevisionTimeoutImmutable",
                   Kind::kRevision,
                   {},
                   {{"/spec/timeoutSeconds", 10}},
                   "spec",
                   kInvalid,
                   "timeoutSeconds: -300 +10"},
        UpdateCase{"RevisionLabelsMutable",
                   Kind::kRevision,
                   {},
                   {{"/metadata/labels", {{"app", "x"}}}},
                   "",
                   "",
                   ""},
        UpdateCase{"CreatorChanged",
                   Kind::kService,
                   {{kCreator, "alice"}},
                   {{kCreator, "bob"}},
                   "metadata.annotations.serving.knative.dev/creator",
                   kInvalid,
                   "cannot be changed (was \"alice\")"},
        UpdateCase{"CreatorKept",
                   Kind::kService,
                   {{kCreator, "alice"}},
                   {{kImage, "./bin/hello2"}},
                   "",
                   "",
                   ""},
        UpdateCase{"CreatorDroppedByReplace",
                   Kind::kRoute,
                   {{kCreator, "alice"}},
                   {{"/metadata/annotations", json::object()}},
                   "",
                   "",
                   ""}),
    [](const ::testing::TestParamInfo<UpdateCase>& info) { return info.param.name; });

TEST(UpdateTest, RevisionSpecIsNotReDefaulted) {
  config::Config cfg;
  json old = BaseObject(Kind::kRevision);
  old["spec"]["timeoutSeconds"] = 100;
  json obj = old;
  obj["spec"].erase("containerConcurrency");  // absent on update: left absent
  SetDefaults(Kind::kRevision, obj, &old, cfg);
  EXPECT_FALSE(obj["spec"].contains("containerConcurrency"));
  EXPECT_FALSE(obj["spec"]["containers"][0].contains("name"));
}

TEST(InvalidStatusTest, OneError) {
  Status s = InvalidStatus(
      Kind::kService, "bad",
      {{"spec.template.spec.containers[0].image", "FieldValueRequired", "Required value"}});
  EXPECT_EQ(s.code(), Code::kInvalid);
  EXPECT_EQ(s.HttpCode(), 422);
  EXPECT_EQ(s.message(),
            "Service.serving.knative.dev \"bad\" is invalid: "
            "spec.template.spec.containers[0].image: Required value");
  ASSERT_EQ(s.causes().size(), 1u);
  EXPECT_EQ(s.causes()[0].reason, "FieldValueRequired");
}

TEST(InvalidStatusTest, SeveralErrors) {
  Status s =
      InvalidStatus(Kind::kRoute, "r",
                    {{"spec.traffic", "FieldValueInvalid", "Traffic targets sum to 90, want 100"},
                     {"spec.traffic[0].tag", "FieldValueInvalid", "bad tag"}});
  EXPECT_EQ(s.message(),
            "Route.serving.knative.dev \"r\" is invalid: [spec.traffic: Traffic targets sum to "
            "90, want 100, spec.traffic[0].tag: bad tag]");
  EXPECT_EQ(s.causes().size(), 2u);
}

}  // namespace validate_update_test
}  // namespace ebb::api
