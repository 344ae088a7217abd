#include "load/load_flags.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

namespace ebb::load {
namespace {

FileReader Files(std::map<std::string, std::string> files) {
  return [files](const std::string& path) -> Result<std::string> {
    auto it = files.find(path);
    if (it == files.end()) return Status(Code::kNotFound, "cannot read " + path);
    return it->second;
  };
}

Result<std::vector<Target>> Targets(const LoadFlags& f, const std::string& stdin_text = "",
                                    bool terminal = false) {
  std::istringstream in(stdin_text);
  return BuildTargets(f, in, terminal, Files({{"body.json", "{}"}, {"t.txt", "GET http://f/\n"}}));
}

TEST(BuildTargets, FromUrlMethodHeadersAndBody) {
  LoadFlags f;
  f.url = "http://127.0.0.1:8080/";
  f.method = "POST";
  f.headers = {"Host: hello.default.example.com", "X-A: 1"};
  f.body_file = "body.json";
  Result<std::vector<Target>> t = Targets(f);
  ASSERT_TRUE(t.ok()) << t.status().message();
  ASSERT_EQ(t->size(), 1u);
  EXPECT_EQ((*t)[0], (Target{"POST",
                             "http://127.0.0.1:8080/",
                             {{"Host", "hello.default.example.com"}, {"X-A", "1"}},
                             "{}"}));
  f.body_file.clear();
  f.body_string = "abc";
  EXPECT_EQ((*Targets(f))[0].body, "abc");
  f.url.clear();
  f.url_flag = "http://x/";
  EXPECT_EQ((*Targets(f))[0].url, "http://x/");
}

TEST(BuildTargets, FromStdinOrFileWithFlagDefaults) {
  LoadFlags f;
  f.headers = {"Host: a.b.c", "X-Default: 1"};
  f.body_string = "default";
  Result<std::vector<Target>> t =
      Targets(f, "GET http://s/1\nHost: own.ns.example.com\n\nPOST http://s/2\n");
  ASSERT_TRUE(t.ok()) << t.status().message();
  ASSERT_EQ(t->size(), 2u);
  EXPECT_EQ((*t)[0].headers,
            (std::vector<Header>{{"X-Default", "1"}, {"Host", "own.ns.example.com"}}));
  EXPECT_EQ((*t)[0].body, "default");
  EXPECT_EQ((*t)[1].headers, (std::vector<Header>{{"Host", "a.b.c"}, {"X-Default", "1"}}));
  f.targets_file = "t.txt";
  EXPECT_EQ((*Targets(f))[0].url, "http://f/");
  f.targets_file = "-";
  EXPECT_EQ((*Targets(f, "GET http://stdin/\n", true))[0].url, "http://stdin/");
}

TEST(BuildTargets, UsageErrors) {
  LoadFlags f;
  EXPECT_NE(Targets(f, "", true).status().message().find("no target"), std::string::npos);
  f.url = "http://a/";
  f.url_flag = "http://b/";
  EXPECT_FALSE(Targets(f).ok());
  f.url_flag.clear();
  f.targets_file = "t.txt";
  EXPECT_FALSE(Targets(f).ok());
  f.targets_file.clear();
  f.body_file = "body.json";
  f.body_string = "x";
  EXPECT_FALSE(Targets(f).ok());
  f.body_string.clear();
  f.body_file = "missing";
  EXPECT_FALSE(Targets(f).ok());
  f.body_file.clear();
  f.headers = {"nocolon"};
  EXPECT_FALSE(Targets(f).ok());
  f.headers.clear();
  f.url = "https://a/";
  EXPECT_FALSE(Targets(f).ok());
}

TEST(ToAttackOptions, OpenAndClosedLoops) {
  std::vector<Target> t = {Target{"GET", "http://h/", {}, ""}};
  LoadFlags f;
  f.rate = "100/1s";
  f.duration = "3s";
  Result<AttackOptions> open = ToAttackOptions(f, t);
  ASSERT_TRUE(open.ok()) << open.status().message();
  EXPECT_EQ(open->rate.freq, 100);
  EXPECT_EQ(open->duration, std::chrono::seconds(3));
  EXPECT_EQ(open->timeout, std::chrono::seconds(30));
  EXPECT_TRUE(open->keepalive);
  EXPECT_FALSE(open->requests.has_value());

  LoadFlags c;
  c.concurrency = 8;
  c.requests = 1000;
  Result<AttackOptions> closed = ToAttackOptions(c, t);
  ASSERT_TRUE(closed.ok()) << closed.status().message();
  EXPECT_TRUE(closed->rate.unlimited());  // -c alone: the default rate does not apply
  EXPECT_EQ(closed->requests, 1000u);
  c.rate = "0";
  c.rate_given = true;
  EXPECT_TRUE(ToAttackOptions(c, t).ok());
  c.rate = "50";
  EXPECT_FALSE(ToAttackOptions(c, t).ok());  // -c with a rate
}

TEST(ToAttackOptions, Rejects) {
  std::vector<Target> t = {Target{"GET", "http://h/", {}, ""}};
  auto bad = [&](auto change) {
    LoadFlags f;
    change(f);
    return !ToAttackOptions(f, t).ok();
  };
  EXPECT_TRUE(bad([](LoadFlags& f) {
    f.rate = "0";
    f.rate_given = true;
  }));
  EXPECT_TRUE(bad([](LoadFlags& f) { f.rate = "fast"; }));
  EXPECT_TRUE(bad([](LoadFlags& f) { f.duration = "3"; }));
  EXPECT_TRUE(bad([](LoadFlags& f) { f.timeout = "x"; }));
  EXPECT_TRUE(bad([](LoadFlags& f) { f.requests = 0; }));
  EXPECT_TRUE(bad([](LoadFlags& f) { f.threads = 0; }));
  EXPECT_TRUE(bad([](LoadFlags& f) { f.connections = -1; }));
  EXPECT_FALSE(bad([](LoadFlags& f) {
    f.duration = "1m30s";
    f.connections = 5;
  }));
}

TEST(InstanceSourceFor, ServiceFlagOrHost) {
  LoadFlags f;
  f.kubeconfig = "/k";
  std::vector<Target> by_host = {
      Target{"GET", "http://127.0.0.1/", {{"Host", "hello.prod.example.com"}}, ""}};
  std::optional<InstanceSource> s = InstanceSourceFor(f, by_host);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->service, "hello");
  EXPECT_EQ(s->ns, "prod");
  EXPECT_EQ(s->kubeconfig, "/k");
  f.ns = "other";
  EXPECT_EQ(InstanceSourceFor(f, by_host)->ns, "other");
  std::vector<Target> plain = {Target{"GET", "http://127.0.0.1:8080/", {}, ""}};
  EXPECT_FALSE(InstanceSourceFor(f, plain));
  f.service = "named";
  EXPECT_EQ(InstanceSourceFor(f, plain)->service, "named");
}

TEST(DescribeAttack, TitleOfThePlot) {
  LoadFlags f;
  f.rate = "100/1s";
  f.duration = "3s";
  std::vector<Target> t = {Target{"GET", "http://127.0.0.1/", {{"Host", "a.b.c"}}, ""},
                           Target{"GET", "http://127.0.0.1/x", {}, ""}};
  EXPECT_EQ(DescribeAttack(f, t),
            "GET http://127.0.0.1/ (Host: a.b.c) and 1 more at 100/1s for 3s");
  f.concurrency = 10;
  f.duration = "0";
  f.requests = 500;
  EXPECT_EQ(DescribeAttack(f, {t[1]}), "GET http://127.0.0.1/x with 10 workers, 500 requests");
}

}  // namespace
}  // namespace ebb::load
