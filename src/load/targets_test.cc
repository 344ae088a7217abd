#include "load/targets.h"

#include <gtest/gtest.h>

#include <map>

namespace ebb::load {
namespace {

FileReader Files(std::map<std::string, std::string> files) {
  return [files](const std::string& path) -> Result<std::string> {
    auto it = files.find(path);
    if (it == files.end()) return Status(Code::kNotFound, "cannot read " + path);
    return it->second;
  };
}

TEST(ParseUrl, HostPortAndTarget) {
  EXPECT_EQ(*ParseUrl("http://127.0.0.1:8080/hello?sleep=10"),
            (Url{"127.0.0.1", 8080, "/hello?sleep=10"}));
  EXPECT_EQ(*ParseUrl("http://example.com"), (Url{"example.com", 80, "/"}));
  EXPECT_EQ(*ParseUrl("http://example.com?x=1"), (Url{"example.com", 80, "/?x=1"}));
  EXPECT_EQ(*ParseUrl("http://[::1]:9000/a"), (Url{"::1", 9000, "/a"}));
  EXPECT_NE(ParseUrl("https://example.com/").status().message().find("https"), std::string::npos);
  for (const char* bad : {"example.com", "ftp://x/", "http://", "http://:80/", "http://h:0/",
                          "http://h:99999/", "http://h:x/", "http://[::1/", "http://u@h/"}) {
    EXPECT_FALSE(ParseUrl(bad).ok()) << bad;
  }
}

TEST(ParseHeader, NameAndValueTrimmed) {
  EXPECT_EQ(*ParseHeader("Host: hello.default.example.com"),
            (Header{"Host", "hello.default.example.com"}));
  EXPECT_EQ(*ParseHeader("X-Empty:"), (Header{"X-Empty", ""}));
  EXPECT_EQ(*ParseHeader("A:b:c"), (Header{"A", "b:c"}));
  EXPECT_FALSE(ParseHeader("no colon").ok());
  EXPECT_FALSE(ParseHeader(": value").ok());
  EXPECT_FALSE(ParseHeader("Bad Name: value").ok());
}

TEST(ParseHttpTargets, VegetaFormat) {
  const char* text =
      "# comment\n"
      "GET http://goku:9090/path/to/dragon?item=ball\n"
      "X-Account-ID: 8675309\n"
      "\n"
      "DELETE http://goku:9090/path/to/remove\n"
      "Confirmation-Token: 90215\n"
      "Authorization: Token DEADBEEF\n"
      "\r\n"
      "POST http://goku:9090/things\n"
      "@/path/to/newthing.json\n"
      "\n\n"
      "PATCH http://goku:9090/thing/71988591\n"
      "@/path/to/thing-71988591.json\n";
  Result<std::vector<Target>> targets = ParseHttpTargets(
      text,
      Files({{"/path/to/newthing.json", "{\"a\":1}"}, {"/path/to/thing-71988591.json", "x"}}));
  ASSERT_TRUE(targets.ok()) << targets.status().message();
  ASSERT_EQ(targets->size(), 4u);
  EXPECT_EQ(
      (*targets)[0],
      (Target{
          "GET", "http://goku:9090/path/to/dragon?item=ball", {{"X-Account-ID", "8675309"}}, ""}));
  EXPECT_EQ((*targets)[1].method, "DELETE");
  EXPECT_EQ((*targets)[1].headers.size(), 2u);
  EXPECT_EQ((*targets)[2], (Target{"POST", "http://goku:9090/things", {}, "{\"a\":1}"}));
  EXPECT_EQ((*targets)[3].body, "x");
}

TEST(ParseHttpTargets, ErrorsNameTheLine) {
  FileReader none = Files({});
  EXPECT_EQ(ParseHttpTargets("", none).status().message(), "no targets given");
  EXPECT_EQ(ParseHttpTargets("# only\n\n", none).status().message(), "no targets given");
  EXPECT_NE(ParseHttpTargets("\nGETX\n", none).status().message().find("line 2"),
            std::string::npos);
  EXPECT_NE(ParseHttpTargets("GET ftp://x/\n", none).status().message().find("line 1"),
            std::string::npos);
  EXPECT_NE(
      ParseHttpTargets("GET http://x/\nnot a header\n", none).status().message().find("line 2"),
      std::string::npos);
  EXPECT_NE(
      ParseHttpTargets("GET http://x/\n@/missing\n", none).status().message().find("/missing"),
      std::string::npos);
  EXPECT_FALSE(ParseHttpTargets("G(T http://x/\n", none).ok());
}

TEST(EffectiveHost, HostHeaderWins) {
  EXPECT_EQ(EffectiveHost(Target{"GET", "http://127.0.0.1:8080/", {{"host", "a.b.c"}}, ""}),
            "a.b.c");
  EXPECT_EQ(EffectiveHost(Target{"GET", "http://127.0.0.1:8080/", {}, ""}), "127.0.0.1:8080");
  EXPECT_EQ(EffectiveHost(Target{"GET", "http://example.com/", {}, ""}), "example.com");
  EXPECT_EQ(EffectiveHost(Target{"GET", "http://[::1]:81/", {}, ""}), "[::1]:81");
}

TEST(MethodTitle, AsGoUrlErrors) {
  EXPECT_EQ(MethodTitle("GET"), "Get");
  EXPECT_EQ(MethodTitle("POST"), "Post");
  EXPECT_EQ(MethodTitle(""), "");
}

}  // namespace
}  // namespace ebb::load
