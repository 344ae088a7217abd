#include "registry/registry.h"

#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>

#include <gtest/gtest.h>

namespace ebb::registry {
namespace {

using api::Kind;

json HelloService(const std::string& target = "World") {
  return json::parse(R"({
    "apiVersion": "serving.knative.dev/v1", "kind": "Service",
    "metadata": {"name": "hello", "namespace": "default"},
    "spec": {"template": {"spec": {"containers": [{"image": "/bin/true",
      "env": [{"name": "TARGET", "value": ")" + target + R"("}]}]}}}})");
}

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ebb-registry-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto st = store::OpenSqliteStore((dir_ / "ebb.db").string());
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    store_ = std::move(*st);
    registry_ = std::make_unique<Registry>(*store_, config_, clock_);
  }
  void TearDown() override {
    registry_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  json MustCreate(json obj) {
    auto r = registry_->Create(Kind::kService, "default", std::move(obj), {});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : json();
  }

  std::filesystem::path dir_;
  config::Config config_;
  FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Registry> registry_;
};

TEST_F(RegistryTest, CreateSetsIdentityAndDefaults) {
  json svc = MustCreate(HelloService());
  EXPECT_EQ(svc["metadata"]["generation"], 1);
  EXPECT_EQ(svc["metadata"]["uid"].get<std::string>().size(), 36u);
  EXPECT_EQ(svc["metadata"]["creationTimestamp"], FormatRfc3339(clock_.Now()));
  EXPECT_FALSE(svc["metadata"]["resourceVersion"].get<std::string>().empty());
  // Defaulting ran: the traffic block points at the latest revision.
  EXPECT_EQ(svc["spec"]["traffic"][0]["latestRevision"], true);
  EXPECT_EQ(svc["spec"]["traffic"][0]["percent"], 100);
  auto got = registry_->Get(Kind::kService, "default", "hello");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, svc);
}

TEST_F(RegistryTest, CreateDropsIncomingStatusAndRejectsDuplicates) {
  json obj = HelloService();
  obj["status"] = {{"url", "http://forged"}};
  json svc = MustCreate(obj);
  EXPECT_FALSE(svc.contains("status"));
  auto again = registry_->Create(Kind::kService, "default", HelloService(), {});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Code::kAlreadyExists);
  EXPECT_EQ(again.status().message(), "services.serving.knative.dev \"hello\" already exists");
}

TEST_F(RegistryTest, InvalidObjectNamesFieldsAndStoresNothing) {
  json obj = HelloService();
  obj["spec"]["template"]["spec"]["containers"][0].erase("image");
  obj["spec"]["template"]["spec"]["timeoutSeconds"] = 7000;
  auto r = registry_->Create(Kind::kService, "default", obj, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalid);
  std::vector<std::string> fields;
  for (const auto& c : r.status().causes()) fields.push_back(c.field);
  EXPECT_NE(std::find(fields.begin(), fields.end(), "spec.template.spec.containers[0].image"),
            fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "spec.template.spec.timeoutSeconds"),
            fields.end());
  EXPECT_EQ(registry_->Get(Kind::kService, "default", "hello").status().code(), Code::kNotFound);
}

TEST_F(RegistryTest, NamespaceAndKindMismatchAreBadRequests) {
  json obj = HelloService();
  obj["metadata"]["namespace"] = "other";
  EXPECT_EQ(registry_->Create(Kind::kService, "default", obj, {}).status().code(),
            Code::kBadRequest);
  EXPECT_EQ(registry_->Create(Kind::kRoute, "default", HelloService(), {}).status().code(),
            Code::kBadRequest);
}

TEST_F(RegistryTest, DryRunStoresNothing) {
  WriteOptions dry;
  dry.dry_run = true;
  auto r = registry_->Create(Kind::kService, "default", HelloService(), dry);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(registry_->Get(Kind::kService, "default", "hello").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->CurrentRev(), 0);
}

TEST_F(RegistryTest, UpdateChecksResourceVersionAndBumpsGenerationOnSpecChange) {
  json svc = MustCreate(HelloService());
  json changed = HelloService("Knative");
  changed["metadata"]["resourceVersion"] = svc["metadata"]["resourceVersion"];
  auto r = registry_->Update(Kind::kService, "default", "hello", changed, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["metadata"]["generation"], 2);
  EXPECT_EQ((*r)["metadata"]["uid"], svc["metadata"]["uid"]);
  // The old resourceVersion is now stale.
  auto stale = registry_->Update(Kind::kService, "default", "hello", changed, {});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), Code::kConflict);
  EXPECT_NE(stale.status().message().find("the object has been modified"), std::string::npos);
}

TEST_F(RegistryTest, UpdateKeepsStatusAndMetadataOnlyChangeKeepsGeneration) {
  MustCreate(HelloService());
  json with_status = {{"status", {{"url", "http://hello.default.example.com"}}}};
  ASSERT_TRUE(registry_->UpdateStatus(Kind::kService, "default", "hello", with_status, {}).ok());
  json labelled = HelloService();
  labelled["metadata"]["labels"] = {{"team", "a"}};
  auto r = registry_->Update(Kind::kService, "default", "hello", labelled, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["metadata"]["generation"], 1);
  EXPECT_EQ((*r)["status"]["url"], "http://hello.default.example.com");
}

TEST_F(RegistryTest, NoOpWritesKeepTheResourceVersion) {
  json svc = MustCreate(HelloService());
  auto same = registry_->Patch(Kind::kService, "default", "hello", PatchType::kMerge,
                               R"({"metadata":{"labels":null}})", {});
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ((*same)["metadata"]["resourceVersion"], svc["metadata"]["resourceVersion"]);
  auto st = registry_->UpdateStatus(Kind::kService, "default", "hello", json::object(), {});
  ASSERT_TRUE(st.ok());
  EXPECT_EQ((*st)["metadata"]["resourceVersion"], svc["metadata"]["resourceVersion"]);
}

TEST_F(RegistryTest, MergeAndJsonPatch) {
  MustCreate(HelloService());
  auto merged = registry_->Patch(
      Kind::kService, "default", "hello", PatchType::kMerge,
      R"({"spec":{"template":{"metadata":{"annotations":{"autoscaling.knative.dev/min-scale":"1"}}}}})",
      {});
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ((*merged)["metadata"]["generation"], 2);
  auto patched = registry_->Patch(
      Kind::kService, "default", "hello", PatchType::kJson,
      R"([{"op":"replace","path":"/spec/template/spec/containers/0/env/0/value","value":"JP"}])",
      {});
  ASSERT_TRUE(patched.ok()) << patched.status().ToString();
  EXPECT_EQ((*patched)["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"], "JP");
  auto bad = registry_->Patch(Kind::kService, "default", "hello", PatchType::kJson,
                              R"([{"op":"test","path":"/spec/nope","value":1}])", {});
  EXPECT_EQ(bad.status().code(), Code::kInvalid);
  auto malformed =
      registry_->Patch(Kind::kService, "default", "hello", PatchType::kMerge, "{oops", {});
  EXPECT_EQ(malformed.status().code(), Code::kBadRequest);
}

TEST_F(RegistryTest, InvalidPatchLeavesObjectUntouched) {
  json svc = MustCreate(HelloService());
  auto r = registry_->Patch(Kind::kService, "default", "hello", PatchType::kMerge,
                            R"({"spec":{"template":{"spec":{"containerConcurrency":-1}}}})", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalid);
  EXPECT_EQ(*registry_->Get(Kind::kService, "default", "hello"), svc);
}

TEST_F(RegistryTest, ApplyCreatesWhenMissingThenMerges) {
  bool created = false;
  auto r = registry_->Patch(Kind::kService, "default", "hello", PatchType::kApply,
                            HelloService().dump(), {}, &created);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(created);
  r = registry_->Patch(Kind::kService, "default", "hello", PatchType::kApply,
                       HelloService("Again").dump(), {}, &created);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(created);
  EXPECT_EQ((*r)["metadata"]["generation"], 2);
}

TEST_F(RegistryTest, DeleteCascadesThroughOwnerReferences) {
  json svc = MustCreate(HelloService());
  json owner_ref = {{"apiVersion", "serving.knative.dev/v1"}, {"kind", "Service"},
                    {"name", "hello"}, {"uid", svc["metadata"]["uid"]}, {"controller", true}};
  json cfg = {{"metadata", {{"name", "hello"}, {"ownerReferences", {owner_ref}}}},
              {"spec", HelloService()["spec"]}};
  cfg["spec"].erase("traffic");
  auto c = registry_->Create(Kind::kConfiguration, "default", cfg, {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  json rev = {{"metadata",
               {{"name", "hello-00001"},
                {"ownerReferences",
                 {{{"kind", "Configuration"}, {"name", "hello"},
                   {"apiVersion", "serving.knative.dev/v1"}, {"uid", (*c)["metadata"]["uid"]}}}}}},
              {"spec", cfg["spec"]["template"]["spec"]}};
  ASSERT_TRUE(registry_->Create(Kind::kRevision, "default", rev, {}).ok());
  json unrelated = HelloService();
  unrelated["metadata"]["name"] = "other";
  MustCreate(unrelated);

  ASSERT_TRUE(registry_->Delete(Kind::kService, "default", "hello", {}).ok());
  EXPECT_EQ(registry_->Get(Kind::kConfiguration, "default", "hello").status().code(),
            Code::kNotFound);
  EXPECT_EQ(registry_->Get(Kind::kRevision, "default", "hello-00001").status().code(),
            Code::kNotFound);
  EXPECT_TRUE(registry_->Get(Kind::kService, "default", "other").ok());
  EXPECT_EQ(registry_->Delete(Kind::kService, "default", "hello", {}).status().code(),
            Code::kNotFound);
}

TEST_F(RegistryTest, ListFiltersBySelectorsAndNamespace) {
  json a = HelloService();
  a["metadata"]["labels"] = {{"tier", "web"}};
  MustCreate(a);
  json b = HelloService();
  b["metadata"]["name"] = "batch";
  MustCreate(b);
  json c = HelloService();
  c["metadata"]["namespace"] = "prod";
  ASSERT_TRUE(registry_->Create(Kind::kService, "prod", c, {}).ok());

  ListOptions web;
  web.labels = *api::LabelSelector::Parse("tier=web");
  auto list = registry_->List(Kind::kService, "default", web);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0]["metadata"]["name"], "hello");
  EXPECT_EQ(registry_->List(Kind::kService, "", {})->items.size(), 3u);
  ListOptions by_name;
  by_name.fields = *api::FieldSelector::Parse("metadata.name=batch");
  EXPECT_EQ(registry_->List(Kind::kService, "", by_name)->items.size(), 1u);
}

// Collects watch events delivered on the store's thread.
class Events {
 public:
  std::function<void(const WatchEvent&)> Sink() {
    return [this](const WatchEvent& ev) {
      std::lock_guard<std::mutex> lock(mu_);
      events_.push_back(ev);
      cv_.notify_all();
    };
  }
  std::vector<WatchEvent> WaitFor(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return events_.size() >= n; });
    return events_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<WatchEvent> events_;
};

TEST_F(RegistryTest, WatchFromZeroSendsSyntheticAddedThenChanges) {
  MustCreate(HelloService());
  Events events;
  auto w = registry_->Watch(Kind::kService, "default", {}, "0", events.Sink());
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE(registry_->Patch(Kind::kService, "default", "hello", PatchType::kMerge,
                               R"({"metadata":{"labels":{"a":"b"}}})", {})
                  .ok());
  ASSERT_TRUE(registry_->Delete(Kind::kService, "default", "hello", {}).ok());
  auto got = events.WaitFor(3);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].type, WatchEvent::Type::kAdded);
  EXPECT_EQ(got[1].type, WatchEvent::Type::kModified);
  EXPECT_EQ(got[1].object["metadata"]["labels"]["a"], "b");
  EXPECT_EQ(got[2].type, WatchEvent::Type::kDeleted);
}

TEST_F(RegistryTest, WatchFromResourceVersionSendsOnlyLaterChanges) {
  json svc = MustCreate(HelloService());
  std::string rv = svc["metadata"]["resourceVersion"];
  json other = HelloService();
  other["metadata"]["name"] = "second";
  MustCreate(other);
  Events events;
  auto w = registry_->Watch(Kind::kService, "default", {}, rv, events.Sink());
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  auto got = events.WaitFor(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].type, WatchEvent::Type::kAdded);
  EXPECT_EQ(got[0].object["metadata"]["name"], "second");
}

TEST_F(RegistryTest, WatchTooOldIsGone) {
  MustCreate(HelloService());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(registry_->Patch(Kind::kService, "default", "hello", PatchType::kMerge,
                                 json({{"metadata", {{"labels", {{"n", std::to_string(i)}}}}}})
                                     .dump(),
                                 {})
                    .ok());
  }
  ASSERT_TRUE(store_->Compact(store_->CurrentRev()).ok());
  Events events;
  auto w = registry_->Watch(Kind::kService, "default", {}, "1", events.Sink());
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), Code::kGone);
}

TEST_F(RegistryTest, ObjectsSurviveReopenWithSameUidAndResourceVersion) {
  json svc = MustCreate(HelloService());
  registry_.reset();
  store_.reset();
  auto st = store::OpenSqliteStore((dir_ / "ebb.db").string());
  ASSERT_TRUE(st.ok());
  store_ = std::move(*st);
  registry_ = std::make_unique<Registry>(*store_, config_, clock_);
  auto got = registry_->Get(Kind::kService, "default", "hello");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, svc);
}

}  // namespace
}  // namespace ebb::registry
