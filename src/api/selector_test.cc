#include "api/selector.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ebb::api {
namespace {

using nlohmann::json;
using Labels = std::map<std::string, std::string>;

struct MatchCase {
  const char* selector;
  Labels labels;
  bool match;
};

class LabelMatchTest : public testing::TestWithParam<MatchCase> {};

TEST_P(LabelMatchTest, Matches) {
  Result<LabelSelector> sel = LabelSelector::Parse(GetParam().selector);
  ASSERT_TRUE(sel.ok()) << sel.status().ToString();
  EXPECT_EQ(sel->Matches(GetParam().labels), GetParam().match) << GetParam().selector;
}

const Labels kHello = {{"app", "hello"}, {"tier", "web"}, {"serving.knative.dev/service", "s"}};

INSTANTIATE_TEST_SUITE_P(
    All, LabelMatchTest,
    testing::Values(
        MatchCase{"", kHello, true}, MatchCase{"", {}, true}, MatchCase{"app=hello", kHello, true},
        MatchCase{"app==hello", kHello, true}, MatchCase{"app=bye", kHello, false},
        MatchCase{"app!=bye", kHello, true}, MatchCase{"app!=hello", kHello, false},
        MatchCase{"missing!=x", kHello, true},  // absent labels satisfy !=
        MatchCase{"app in (bye, hello)", kHello, true}, MatchCase{"app in (bye)", kHello, false},
        MatchCase{"missing in (a)", kHello, false}, MatchCase{"app notin (bye)", kHello, true},
        MatchCase{"app notin (bye,hello)", kHello, false},
        MatchCase{"missing notin (a)", kHello, true}, MatchCase{"app", kHello, true},
        MatchCase{"missing", kHello, false}, MatchCase{"!missing", kHello, true},
        MatchCase{"!app", kHello, false}, MatchCase{"app=hello,tier=web", kHello, true},
        MatchCase{"app=hello,tier=db", kHello, false},
        MatchCase{"  app = hello ,  tier in ( web ) ", kHello, true},
        MatchCase{"serving.knative.dev/service=s", kHello, true},
        MatchCase{"app=", {{"app", ""}}, true}, MatchCase{"app=", kHello, false},
        MatchCase{"app in (a,)", {{"app", ""}}, true}, MatchCase{"x,!y", {{"x", "1"}}, true}));

class LabelParseErrorTest : public testing::TestWithParam<const char*> {};

TEST_P(LabelParseErrorTest, Rejects) {
  Result<LabelSelector> sel = LabelSelector::Parse(GetParam());
  ASSERT_FALSE(sel.ok()) << GetParam();
  EXPECT_EQ(sel.status().code(), Code::kBadRequest);
  EXPECT_NE(sel.status().message().find("label selector"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(All, LabelParseErrorTest,
                         testing::Values("app=hello,", ",app", "app in hello", "app in (a",
                                         "app in ()", "app notin (a b)", "!", "!app=x", "=x",
                                         "app x", "bad key=x", "-app=x", "app=-x", "app=a b",
                                         "app=(x)"));

TEST(LabelSelectorTest, EmptyAndObjectForm) {
  Result<LabelSelector> all = LabelSelector::Parse("");
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty());
  Result<LabelSelector> sel = LabelSelector::Parse("app=hello");
  ASSERT_TRUE(sel.ok());
  EXPECT_FALSE(sel->empty());
  EXPECT_TRUE(sel->Matches(json{{"metadata", {{"labels", {{"app", "hello"}}}}}}));
  EXPECT_FALSE(sel->Matches(json{{"metadata", {{"name", "x"}}}}));
  EXPECT_FALSE(sel->Matches(json::array()));
  EXPECT_TRUE(all->Matches(json{{"metadata", {{"name", "x"}}}}));
}

TEST(LabelSelectorTest, EmptyValueAfterEqualsAtEnd) {
  // "app=" and "app==" mean app == "" (Kubernetes accepts an empty value).
  Result<LabelSelector> sel = LabelSelector::Parse("app==");
  ASSERT_TRUE(sel.ok());
  EXPECT_TRUE(sel->Matches(Labels{{"app", ""}}));
}

const json kEvent = {{"metadata", {{"name", "hello"}, {"namespace", "default"}}},
                     {"involvedObject", {{"kind", "Service"}, {"name", "hello"}, {"uid", "u-1"}}},
                     {"count", 3},
                     {"status", {{"ready", true}}}};

struct FieldCase {
  const char* selector;
  bool match;
};

class FieldMatchTest : public testing::TestWithParam<FieldCase> {};

TEST_P(FieldMatchTest, Matches) {
  Result<FieldSelector> sel = FieldSelector::Parse(GetParam().selector);
  ASSERT_TRUE(sel.ok()) << sel.status().ToString();
  EXPECT_EQ(sel->Matches(kEvent), GetParam().match) << GetParam().selector;
}

INSTANTIATE_TEST_SUITE_P(
    All, FieldMatchTest,
    testing::Values(FieldCase{"", true}, FieldCase{"metadata.name=hello", true},
                    FieldCase{"metadata.name==hello", true}, FieldCase{"metadata.name=bye", false},
                    FieldCase{"metadata.name!=bye", true}, FieldCase{"metadata.name!=hello", false},
                    FieldCase{"involvedObject.uid=u-1,involvedObject.kind=Service,"
                              "involvedObject.name=hello,metadata.namespace=default",
                              true},
                    FieldCase{"involvedObject.kind=Service,involvedObject.uid=u-2", false},
                    FieldCase{"count=3", true}, FieldCase{"status.ready=true", true},
                    FieldCase{"missing.field=", true}, FieldCase{"missing.field=x", false},
                    FieldCase{"metadata=", true}, FieldCase{"metadata.name=hello,", true}));

TEST(FieldSelectorTest, EscapedValues) {
  json obj = {{"metadata", {{"name", "a,b=c\\d"}}}};
  Result<FieldSelector> sel = FieldSelector::Parse("metadata.name=a\\,b\\=c\\\\d");
  ASSERT_TRUE(sel.ok()) << sel.status().ToString();
  EXPECT_TRUE(sel->Matches(obj));
  ASSERT_NE(sel->Equals("metadata.name"), nullptr);
  EXPECT_EQ(*sel->Equals("metadata.name"), "a,b=c\\d");
}

TEST(FieldSelectorTest, Equals) {
  Result<FieldSelector> sel = FieldSelector::Parse("metadata.namespace!=x,metadata.name=hello");
  ASSERT_TRUE(sel.ok());
  ASSERT_NE(sel->Equals("metadata.name"), nullptr);
  EXPECT_EQ(*sel->Equals("metadata.name"), "hello");
  EXPECT_EQ(sel->Equals("metadata.namespace"), nullptr);  // only "=" narrows
  EXPECT_EQ(sel->Equals("spec"), nullptr);
  EXPECT_FALSE(sel->empty());
}

class FieldParseErrorTest : public testing::TestWithParam<const char*> {};

TEST_P(FieldParseErrorTest, Rejects) {
  Result<FieldSelector> sel = FieldSelector::Parse(GetParam());
  ASSERT_FALSE(sel.ok()) << GetParam();
  EXPECT_EQ(sel.status().code(), Code::kBadRequest);
}

INSTANTIATE_TEST_SUITE_P(All, FieldParseErrorTest,
                         testing::Values("metadata.name", "=x", "a!b", "a=\\x", "a=b\\"));

}  // namespace
}  // namespace ebb::api
