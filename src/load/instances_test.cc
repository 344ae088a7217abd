#include "load/instances.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

namespace ebb::load {
namespace {

nlohmann::json Pod(bool ready, bool deleting = false) {
  nlohmann::json pod = {{"metadata", {{"name", "p"}}},
                        {"status",
                         {{"conditions",
                           {{{"type", "Initialized"}, {"status", "True"}},
                            {{"type", "Ready"}, {"status", ready ? "True" : "False"}}}}}}};
  if (deleting) pod["metadata"]["deletionTimestamp"] = "2026-11-26T10:00:00Z";
  return pod;
}

TEST(CountInstances, ReadyAmongNotDeleting) {
  nlohmann::json list = {{"kind", "PodList"},
                         {"items", {Pod(true), Pod(false), Pod(true, true), Pod(true)}}};
  EXPECT_EQ(CountInstances(list), (InstanceCount{3, 2}));
  EXPECT_EQ(CountInstances(nlohmann::json::object()), (InstanceCount{0, 0}));
  EXPECT_EQ(CountInstances(nlohmann::json("oops")), (InstanceCount{0, 0}));
  nlohmann::json odd = {{"items",
                         {{{"status", {{"conditions", {{{"type", "Ready"}, {"status", true}}}}}}},
                          {{"status", 3}},
                          7}}};
  EXPECT_EQ(CountInstances(odd), (InstanceCount{2, 0}));
}

TEST(ServiceFromHost, NameAndNamespace) {
  EXPECT_EQ(ServiceFromHost("helloworld.default.example.com"),
            (ServiceRef{"helloworld", "default"}));
  EXPECT_EQ(ServiceFromHost("hello.prod.example.com:8080"), (ServiceRef{"hello", "prod"}));
  EXPECT_EQ(ServiceFromHost("127.0.0.1:8080"), std::nullopt);
  EXPECT_EQ(ServiceFromHost("[::1]:80"), std::nullopt);
  EXPECT_EQ(ServiceFromHost("localhost"), std::nullopt);
  EXPECT_EQ(ServiceFromHost("example.com"), std::nullopt);
  EXPECT_EQ(ServiceFromHost(".a.b"), std::nullopt);
  EXPECT_EQ(ServiceFromHost(""), std::nullopt);
}

TEST(InstancePoller, SamplesUntilStoppedAndKeepsFirstError) {
  std::mutex mu;
  std::condition_variable cv;
  int calls = 0;
  InstancePoller poller(
      [&]() -> Result<InstanceCount> {
        std::lock_guard lock(mu);
        ++calls;
        cv.notify_all();
        if (calls == 2) return Status(Code::kUnavailable, "api down");
        if (calls == 3) return Status(Code::kUnavailable, "still down");
        return InstanceCount{calls, calls - 1};
      },
      std::chrono::microseconds(100));
  poller.Start(std::chrono::steady_clock::now());
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return calls >= 5; });
  }
  poller.Stop();
  ASSERT_GE(poller.samples().size(), 3u);
  EXPECT_EQ(poller.samples()[0].count, (InstanceCount{1, 0}));
  EXPECT_EQ(poller.samples()[1].count, (InstanceCount{4, 3}));
  EXPECT_LE(poller.samples()[0].at, poller.samples()[1].at);
  EXPECT_EQ(poller.first_error(), "api down");
}

TEST(InstancesCsv, SecondsDesiredReady) {
  EXPECT_EQ(
      InstancesCsv({{std::chrono::milliseconds(500), {2, 1}}, {std::chrono::seconds(1), {3, 3}}}),
      "seconds,desired,ready\n0.500,2,1\n1.000,3,3\n");
}

}  // namespace
}  // namespace ebb::load
