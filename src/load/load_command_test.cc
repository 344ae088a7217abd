// `ebb load` end to end inside the process: flags in, report out, against a loopback server.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "load/load.h"
#include "load/test_server.h"

namespace ebb::load {
namespace {

using testing::TestServer;

struct Harness {
  std::ostringstream out, err;
  std::istringstream in{""};
  RealClock clock;
  std::vector<InstanceSource> asked;
  Environment env{out, err, in, false, true, clock, nullptr, nullptr};

  int Run(std::vector<std::string> args) {
    args.insert(args.begin(), "load");
    return load::Run(args, env);
  }
};

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("ebb-load-test-" + std::to_string(::getpid()) + "-" + name))
      .string();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(LoadCommand, TextReportByDefault) {
  TestServer server;
  Harness h;
  ASSERT_EQ(h.Run({server.Url("/ok"), "--rate", "500/1s", "--duration", "40ms"}), 0) << h.err.str();
  std::string report = h.out.str();
  EXPECT_EQ(report.rfind("Requests      [total, rate, throughput]         20, 526.32, ", 0), 0u)
      << report;
  EXPECT_NE(report.find("Duration      [total, attack, wait]             "), std::string::npos);
  EXPECT_NE(report.find("Success       [ratio]                           100.00%\n"),
            std::string::npos);
  EXPECT_NE(report.find("Status Codes  [code:count]                      200:20  \nError Set:\n"),
            std::string::npos);
  EXPECT_EQ(h.err.str(), "");  // not a terminal: no progress line
}

TEST(LoadCommand, JsonReportOutputFileAndReReport) {
  TestServer server;
  Harness h;
  std::string results = TempPath("results.json");
  ASSERT_EQ(h.Run({"--url", server.Url("/fail"), "-c", "2", "-n", "6", "--report", "json",
                   "--output", results}),
            0)
      << h.err.str();
  nlohmann::json j = nlohmann::json::parse(h.out.str());
  EXPECT_EQ(j["requests"], 6);
  EXPECT_EQ(j["status_codes"]["503"], 6);
  EXPECT_EQ(j["errors"], nlohmann::json::array({"503 Service Unavailable"}));
  for (const char* key : {"latencies", "bytes_in", "bytes_out", "earliest", "latest", "end",
                          "duration", "wait", "rate", "throughput", "success"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  Harness again;
  ASSERT_EQ(again.Run({"report", "--type", "hist[0,1s]", results}), 0) << again.err.str();
  EXPECT_NE(again.out.str().find("[0s,    1s]    6  100.00%"), std::string::npos)
      << again.out.str();
  Harness text;
  ASSERT_EQ(text.Run({"report", results}), 0);
  EXPECT_NE(text.out.str().find("503:6  \nError Set:\n503 Service Unavailable\n"),
            std::string::npos);
  std::remove(results.c_str());
}

TEST(LoadCommand, PlotWithInstanceCountsOfTheHostsService) {
  TestServer server;
  Harness h;
  int polls = 0;
  h.env.instance_counters = [&](const InstanceSource& s) -> Result<InstanceCounter> {
    h.asked.push_back(s);
    return InstanceCounter([&polls]() -> Result<InstanceCount> {
      ++polls;
      return InstanceCount{2, 1};
    });
  };
  std::string plot = TempPath("plot.html"), csv = TempPath("instances.csv");
  ASSERT_EQ(h.Run({server.Url("/ok"), "-H", "Host: hello.prod.example.com", "-n", "5", "--rate",
                   "1000", "--plot", plot, "--instances", csv, "--kubeconfig", "/k"}),
            0)
      << h.err.str();
  ASSERT_EQ(h.asked.size(), 1u);
  EXPECT_EQ(h.asked[0].service, "hello");
  EXPECT_EQ(h.asked[0].ns, "prod");
  EXPECT_EQ(h.asked[0].kubeconfig, "/k");
  EXPECT_GE(polls, 1);
  std::string html = ReadFile(plot);
  EXPECT_NE(html.find("\"okTotal\":5"), std::string::npos);
  EXPECT_NE(html.find("(Host: hello.prod.example.com) at 1000"), std::string::npos);
  EXPECT_NE(html.find(",2,1]"), std::string::npos) << "the polled instance counts";
  EXPECT_EQ(ReadFile(csv).rfind("seconds,desired,ready\n", 0), 0u);
  std::remove(plot.c_str());
  std::remove(csv.c_str());
}

TEST(LoadCommand, NoInstanceApiStillPlotsLatencies) {
  TestServer server;
  Harness h;
  h.env.instance_counters = [](const InstanceSource&) -> Result<InstanceCounter> {
    return Status(Code::kNotFound, "no kubeconfig");
  };
  std::string plot = TempPath("plot2.html");
  ASSERT_EQ(h.Run({server.Url("/ok"), "-H", "Host: a.b.c", "-n", "2", "--plot", plot}), 0);
  EXPECT_NE(h.err.str().find("no instance counts for b/a: no kubeconfig"), std::string::npos)
      << h.err.str();
  EXPECT_NE(ReadFile(plot).find("\"instances\":[]"), std::string::npos);
  std::remove(plot.c_str());
}

TEST(LoadCommand, TargetsFromStdin) {
  TestServer server;
  Harness h;
  h.in.str("GET " + server.Url("/ok") + "\n\nGET " + server.Url("/fail") + "\n");
  h.env.in_is_terminal = false;
  ASSERT_EQ(h.Run({"-c", "1", "-n", "4"}), 0) << h.err.str();
  EXPECT_NE(h.out.str().find("200:2  503:2  "), std::string::npos) << h.out.str();
}

TEST(LoadCommand, UsageErrorsExitOne) {
  Harness h;
  EXPECT_EQ(h.Run({"http://127.0.0.1:1/", "--rate", "fast"}), 1);
  EXPECT_NE(h.err.str().find("invalid rate"), std::string::npos);
  EXPECT_EQ(h.Run({"http://127.0.0.1:1/", "--report", "csv"}), 1);
  EXPECT_EQ(h.Run({"http://127.0.0.1:1/", "--no-such-flag"}), 1);
  EXPECT_NE(h.err.str().find("See 'ebb load --help'"), std::string::npos);
  EXPECT_EQ(h.Run({}), 1);  // stdin is a terminal: no targets
  EXPECT_EQ(h.Run({"report", "/no/such/file"}), 1);
  Harness help;
  EXPECT_EQ(help.Run({"--help"}), 0);
  EXPECT_NE(help.out.str().find("--rate"), std::string::npos);
}

TEST(LoadCommand, KeepaliveFlagTakesAValue) {
  TestServer server;
  Harness h;
  ASSERT_EQ(h.Run({server.Url("/ok"), "-c", "1", "-n", "3", "--keepalive=false"}), 0)
      << h.err.str();
  EXPECT_EQ(server.connections(), 3);
}

TEST(LoadCommand, InterruptStopsAnEndlessAttack) {
  TestServer server;
  Harness h;
  std::atomic<int> interrupts{1};  // as if Ctrl-C came at once
  h.env.interrupts = &interrupts;
  ASSERT_EQ(h.Run({server.Url("/ok"), "--rate", "100"}), 0) << h.err.str();
  EXPECT_NE(h.out.str().find("Requests"), std::string::npos);
}

}  // namespace
}  // namespace ebb::load
