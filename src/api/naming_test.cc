#include "api/naming.h"

#include <gtest/gtest.h>

namespace ebb::api {
namespace {

TEST(NamingTest, Dns1035Label) {
  EXPECT_TRUE(IsDns1035Label("hello"));
  EXPECT_TRUE(IsDns1035Label("a"));
  EXPECT_TRUE(IsDns1035Label("hello-world-2"));
  EXPECT_TRUE(IsDns1035Label(std::string(63, 'a')));
  EXPECT_FALSE(IsDns1035Label(std::string(64, 'a')));
  EXPECT_FALSE(IsDns1035Label(""));
  EXPECT_FALSE(IsDns1035Label("1abc"));
  EXPECT_FALSE(IsDns1035Label("abc-"));
  EXPECT_FALSE(IsDns1035Label("-abc"));
  EXPECT_FALSE(IsDns1035Label("Hello"));
  EXPECT_FALSE(IsDns1035Label("a_b"));
  EXPECT_FALSE(IsDns1035Label("a.b"));
  EXPECT_NE(Dns1035LabelError("Bad_Name").find("a DNS-1035 label must consist of lower case"),
            std::string::npos);
  EXPECT_EQ(Dns1035LabelError(std::string(64, 'a')), "must be no more than 63 characters");
  EXPECT_EQ(Dns1035LabelError("ok"), "");
}

TEST(NamingTest, Dns1123Label) {
  EXPECT_TRUE(IsDns1123Label("default"));
  EXPECT_TRUE(IsDns1123Label("1abc"));
  EXPECT_FALSE(IsDns1123Label("a.b"));
  EXPECT_FALSE(IsDns1123Label("Abc"));
  EXPECT_FALSE(IsDns1123Label(std::string(64, 'a')));
  EXPECT_FALSE(IsDns1123Label(""));
}

TEST(NamingTest, Dns1123Subdomain) {
  EXPECT_TRUE(IsDns1123Subdomain("example.com"));
  EXPECT_TRUE(IsDns1123Subdomain("a"));
  EXPECT_TRUE(IsDns1123Subdomain("1.2.3"));
  EXPECT_FALSE(IsDns1123Subdomain(""));
  EXPECT_FALSE(IsDns1123Subdomain("a..b"));
  EXPECT_FALSE(IsDns1123Subdomain(".a"));
  EXPECT_FALSE(IsDns1123Subdomain("a."));
  EXPECT_FALSE(IsDns1123Subdomain("A.com"));
  EXPECT_FALSE(IsDns1123Subdomain("a_b.com"));
  std::string long_name;
  while (long_name.size() < 254) long_name += "abcdefghi.";
  long_name += "x";
  EXPECT_FALSE(IsDns1123Subdomain(long_name));
  EXPECT_NE(Dns1123SubdomainError(long_name).find("253"), std::string::npos);
}

TEST(NamingTest, QualifiedNameAndLabelValue) {
  EXPECT_TRUE(IsQualifiedName("app"));
  EXPECT_TRUE(IsQualifiedName("serving.knative.dev/service"));
  EXPECT_TRUE(IsQualifiedName("autoscaling.knative.dev/minScale"));
  EXPECT_TRUE(IsQualifiedName("My_Key.v1"));
  EXPECT_FALSE(IsQualifiedName(""));
  EXPECT_FALSE(IsQualifiedName("/a"));
  EXPECT_FALSE(IsQualifiedName("a/"));
  EXPECT_FALSE(IsQualifiedName("Bad_Prefix/a"));
  EXPECT_FALSE(IsQualifiedName("a/b/c"));
  EXPECT_FALSE(IsQualifiedName("-a"));
  EXPECT_FALSE(IsQualifiedName(std::string(64, 'a')));
  EXPECT_TRUE(IsLabelValue(""));
  EXPECT_TRUE(IsLabelValue("cluster-local"));
  EXPECT_TRUE(IsLabelValue("My_Value.1"));
  EXPECT_FALSE(IsLabelValue("a b"));
  EXPECT_FALSE(IsLabelValue("-a"));
  EXPECT_FALSE(IsLabelValue(std::string(64, 'a')));
}

TEST(NamingTest, ChildNameShort) {
  EXPECT_EQ(ChildName("hello", "-00001"), "hello-00001");
  std::string parent(57, 'a');  // 57 + 6 = 63 still fits
  EXPECT_EQ(ChildName(parent, "-00001"), parent + "-00001");
}

TEST(NamingTest, ChildNameLongParentIsTruncatedWithMd5) {
  // parent[:31-6] + md5hex(parent) + suffix; md5 values from `printf %s PARENT | md5sum`.
  std::string parent(58, 'a');  // 58 + 6 = 64 does not fit
  EXPECT_EQ(ChildName(parent, "-00001"),
            std::string(25, 'a') + "dc2f2f2462a0d72358b2f99389458606" + "-00001");
  std::string config = "this-is-a-very-long-configuration-name-that-exceeds-the-limit-x";
  std::string name = ChildName(config, "-00001");
  EXPECT_EQ(name,
            "this-is-a-very-long-confi"  // 25 characters of the parent
            "79437a7757ae9a498e0128fa7cfc7ee8-00001");
  EXPECT_EQ(name.size(), 63u);
  EXPECT_TRUE(IsDns1035Label(name));
  EXPECT_NE(ChildName(std::string(58, 'a'), "-00001"), ChildName(std::string(59, 'a'), "-00001"));
}

TEST(NamingTest, ChildNameVeryLongSuffix) {
  std::string suffix = "-" + std::string(40, 's');
  EXPECT_EQ(ChildName("parent", suffix), "parent" + suffix);  // fits: 6 + 41 = 47
  // A suffix of 31+ characters: parent[:31] + md5hex(parent + suffix), no room left to pad.
  EXPECT_EQ(ChildName(std::string(40, 'p'), suffix),
            std::string(31, 'p') + "76add01fedeebe43d18801743f0e9400");
}

TEST(NamingTest, ChildNameVeryLongSuffixShortParentIsPadded) {
  std::string suffix = "-" + std::string(70, 's');
  std::string name = ChildName("p", suffix);
  EXPECT_EQ(name.size(), 63u);
  EXPECT_EQ(name.substr(0, 1), "p");
  EXPECT_EQ(name.substr(33), "-" + std::string(29, 's'));
}

TEST(NamingTest, ChildNameVeryLongSuffixDropsTrailingDash) {
  std::string name = ChildName("p", std::string(29, 'x') + "-" + std::string(60, 'y'));
  EXPECT_EQ(name.size(), 62u);  // 1 + 32 + 30 padded, then the trailing '-' is dropped
  EXPECT_EQ(name.back(), 'x');
}

TEST(NamingTest, RevisionName) {
  EXPECT_EQ(RevisionName("hello", 1), "hello-00001");
  EXPECT_EQ(RevisionName("hello", 42), "hello-00042");
  EXPECT_EQ(RevisionName("hello", 123456), "hello-123456");
  EXPECT_EQ(RevisionName(std::string(60, 'a'), 1).size(), 63u);
}

}  // namespace
}  // namespace ebb::api
