// The controller against a real SQLite store and Registry, driven with RunUntilIdle.
#include "controller/controller.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>

#include "controller/conditions.h"
#include "controller/meta.h"

namespace ebb::controller {
namespace controller_test {

using api::Kind;
using nlohmann::json;
using Report = RevisionHealth::Report;

// Ready (scaled to zero) unless told otherwise per revision name.
class FakeRevisionHealth : public RevisionHealth {
 public:
  Report Check(const json& revision) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = reports_.find(Name(revision));
    if (it != reports_.end()) return it->second;
    Report ready;
    ready.state = Report::State::kReady;
    return ready;
  }
  void Fail(const std::string& name, const std::string& reason, const std::string& message) {
    Report r;
    r.state = Report::State::kFailed;
    r.reason = reason;
    r.message = message;
    std::lock_guard<std::mutex> lock(mu_);
    reports_[name] = r;
  }
  void Heal(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    reports_.erase(name);
  }

 private:
  std::mutex mu_;
  std::map<std::string, Report> reports_;
};

json HelloService(const std::string& target = "World") {
  json svc = json::parse(R"({
    "apiVersion": "serving.knative.dev/v1", "kind": "Service",
    "metadata": {"name": "hello", "namespace": "default", "labels": {"app": "greeter"}},
    "spec": {"template": {"spec": {"containers": [{"image": "/bin/true"}]}}}})");
  svc["spec"]["template"]["spec"]["containers"][0]["env"] = {
      {{"name", "TARGET"}, {"value", target}}};
  return svc;
}

const json& Cond(const json& obj, const std::string& type) {
  for (const json& c : Field(Field(obj, "status"), "conditions")) {
    if (c["type"] == type) return c;
  }
  static const json kNone;
  return kNone;
}

class ControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ebb-controller-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto st = store::OpenSqliteStore((dir_ / "ebb.db").string());
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    store_ = std::move(*st);
    registry_ = std::make_unique<registry::Registry>(*store_, config_, clock_);
    controller_ = std::make_unique<Controller>(*registry_, config_, clock_, health_);
  }
  void TearDown() override {
    controller_.reset();
    registry_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  json Create(Kind kind, json obj) {
    auto r = registry_->Create(kind, "default", std::move(obj), {});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : json();
  }
  json Get(Kind kind, const std::string& name) {
    auto r = registry_->Get(kind, "default", name);
    return r.ok() ? *r : json();
  }
  bool Exists(Kind kind, const std::string& name) {
    return registry_->Get(kind, "default", name).ok();
  }
  // Replaces the Service's spec (as `kubectl apply` would).
  void UpdateService(const std::function<void(json& spec)>& edit) {
    json svc = Get(Kind::kService, "hello");
    edit(svc["spec"]);
    auto r = registry_->Update(Kind::kService, "default", "hello", svc, {});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  std::vector<std::string> RevisionNames() {
    std::vector<std::string> names;
    auto list = registry_->List(Kind::kRevision, "default", {});
    for (const json& r : list->items) names.push_back(Name(r));
    return names;
  }
  // Every object's resourceVersion, by kind/name.
  std::map<std::string, std::string> ResourceVersions() {
    std::map<std::string, std::string> out;
    for (Kind kind : api::kAllKinds) {
      auto list = registry_->List(kind, "", {});
      for (const json& obj : list->items) {
        out[std::string(api::Info(kind).name) + "/" + Name(obj)] = ResourceVersion(obj);
      }
    }
    return out;
  }
  // Configuration "bare" and Route "front" sending it all traffic, without a Service.
  void CreateBareConfigurationAndRoute() {
  Create(Kind::kConfiguration, json::parse(R"({
    "apiVersion": "serving.knative.dev/v1", "kind": "Configuration",
    "metadata": {"name": "bare", "namespace": "default"},
    "spec": {"template": {"spec": {"containers": [{"image": "/bin/true"}]}}}})"));
  Create(Kind::kRoute, json::parse(R"({
    "apiVersion": "serving.knative.dev/v1", "kind": "Route",
    "metadata": {"name": "front", "namespace": "default"},
    "spec": {"traffic": [{"configurationName": "bare", "percent": 100}]}})"));
  }
  void Settle() {
    controller_->RunUntilIdle();
    EXPECT_TRUE(controller_->Errors().empty()) << controller_->Errors().begin()->second;
  }

  std::filesystem::path dir_;
  config::Config config_;
  FakeClock clock_;
  FakeRevisionHealth health_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<Controller> controller_;
};

TEST_F(ControllerTest, ServiceCreatesConfigurationRouteAndRevision) {
  json svc = Create(Kind::kService, HelloService());
  Settle();
  std::string svc_uid = Uid(svc);

  json config = Get(Kind::kConfiguration, "hello");
  ASSERT_FALSE(config.is_null());
  EXPECT_EQ(Label(config, label::kService), "hello");
  EXPECT_EQ(Label(config, label::kServiceUid), svc_uid);
  EXPECT_EQ(Label(config, "app"), "greeter");
  EXPECT_TRUE(IsControlledBy(config, svc));
  EXPECT_EQ(config["metadata"]["ownerReferences"][0]["blockOwnerDeletion"], true);
  EXPECT_EQ(config["metadata"]["ownerReferences"][0]["kind"], "Service");
  EXPECT_EQ(config["spec"]["template"], Get(Kind::kService, "hello")["spec"]["template"]);

  json route = Get(Kind::kRoute, "hello");
  ASSERT_FALSE(route.is_null());
  EXPECT_TRUE(IsControlledBy(route, svc));
  EXPECT_EQ(route["spec"]["traffic"][0]["configurationName"], "hello");
  EXPECT_EQ(route["spec"]["traffic"][0]["latestRevision"], true);
  EXPECT_EQ(route["spec"]["traffic"][0]["percent"], 100);

  json rev = Get(Kind::kRevision, "hello-00001");
  ASSERT_FALSE(rev.is_null());
  EXPECT_EQ(Label(rev, label::kConfiguration), "hello");
  EXPECT_EQ(Label(rev, label::kConfigurationGeneration), "1");
  EXPECT_EQ(Label(rev, label::kConfigurationUid), Uid(config));
  EXPECT_EQ(Label(rev, label::kService), "hello");
  EXPECT_EQ(Label(rev, label::kServiceUid), svc_uid);
  EXPECT_EQ(Label(rev, label::kRoutingState), "active");
  EXPECT_FALSE(Annotation(rev, annotation::kRoutingStateModified).empty());
  EXPECT_TRUE(IsControlledBy(rev, config));
  EXPECT_EQ(rev["spec"], config["spec"]["template"]["spec"]);
  EXPECT_EQ(RevisionNames(), std::vector<std::string>{"hello-00001"});
}

TEST_F(ControllerTest, StatusPropagatesToReady) {
  Create(Kind::kService, HelloService());
  Settle();
  json rev = Get(Kind::kRevision, "hello-00001");
  EXPECT_EQ(Cond(rev, "Ready")["status"], "True");
  EXPECT_EQ(Cond(rev, "Active")["reason"], "NoTraffic");
  EXPECT_EQ(rev["status"]["actualReplicas"], 0);
  EXPECT_EQ(rev["status"]["containerStatuses"][0]["name"], "user-container");

  json config = Get(Kind::kConfiguration, "hello");
  EXPECT_EQ(config["status"]["latestCreatedRevisionName"], "hello-00001");
  EXPECT_EQ(config["status"]["latestReadyRevisionName"], "hello-00001");
  EXPECT_EQ(Cond(config, "Ready")["status"], "True");

  json route = Get(Kind::kRoute, "hello");
  EXPECT_EQ(Cond(route, "Ready")["status"], "True");
  EXPECT_EQ(route["status"]["url"], "http://hello.default.example.com");

  json svc = Get(Kind::kService, "hello");
  EXPECT_EQ(Cond(svc, "Ready")["status"], "True");
  EXPECT_EQ(Cond(svc, "ConfigurationsReady")["status"], "True");
  EXPECT_EQ(Cond(svc, "RoutesReady")["status"], "True");
  EXPECT_EQ(svc["status"]["observedGeneration"], 1);
  EXPECT_EQ(svc["status"]["url"], "http://hello.default.example.com");
  EXPECT_EQ(svc["status"]["address"]["url"], "http://hello.default.svc.cluster.local");
  EXPECT_EQ(svc["status"]["latestCreatedRevisionName"], "hello-00001");
  EXPECT_EQ(svc["status"]["latestReadyRevisionName"], "hello-00001");
  EXPECT_EQ(svc["status"]["traffic"], json::parse(R"([{"revisionName": "hello-00001",
                                                       "latestRevision": true, "percent": 100}])"));
}

TEST_F(ControllerTest, TemplateChangeMakesARevisionTrafficChangeDoesNot) {
  Create(Kind::kService, HelloService());
  Settle();
  UpdateService(
      [](json& spec) { spec["template"]["spec"]["containers"][0]["env"][0]["value"] = "Ebb"; });
  Settle();
  EXPECT_EQ(RevisionNames(), (std::vector<std::string>{"hello-00001", "hello-00002"}));
  json svc = Get(Kind::kService, "hello");
  EXPECT_EQ(svc["status"]["latestReadyRevisionName"], "hello-00002");
  EXPECT_EQ(svc["status"]["traffic"][0]["revisionName"], "hello-00002");
  EXPECT_EQ(Cond(svc, "Ready")["status"], "True");
  EXPECT_EQ(Label(Get(Kind::kRevision, "hello-00001"), label::kRoutingState), "reserve");
  EXPECT_EQ(Label(Get(Kind::kRevision, "hello-00002"), label::kRoutingState), "active");

  UpdateService([](json& spec) {
    spec["traffic"] = json::parse(R"([
      {"revisionName": "hello-00001", "percent": 30},
      {"latestRevision": true, "percent": 70}])");
  });
  Settle();
  EXPECT_EQ(RevisionNames(), (std::vector<std::string>{"hello-00001", "hello-00002"}));
  EXPECT_EQ(Generation(Get(Kind::kConfiguration, "hello")), 2);
  svc = Get(Kind::kService, "hello");
  EXPECT_EQ(svc["status"]["observedGeneration"], 3);
  EXPECT_EQ(svc["status"]["traffic"], json::parse(R"([
      {"revisionName": "hello-00001", "latestRevision": false, "percent": 30},
      {"revisionName": "hello-00002", "latestRevision": true, "percent": 70}])"));
  EXPECT_EQ(Label(Get(Kind::kRevision, "hello-00001"), label::kRoutingState), "active");
}

TEST_F(ControllerTest, BringYourOwnRevisionNames) {
  json svc = HelloService();
  svc["spec"]["template"]["metadata"]["name"] = "hello-blue";
  Create(Kind::kService, svc);
  Settle();
  EXPECT_EQ(RevisionNames(), std::vector<std::string>{"hello-blue"});
  EXPECT_EQ(Get(Kind::kService, "hello")["status"]["traffic"][0]["revisionName"], "hello-blue");

  UpdateService([](json& spec) {
    spec["template"]["metadata"]["name"] = "hello-green";
    spec["template"]["spec"]["containers"][0]["env"][0]["value"] = "Green";
  });
  Settle();
  EXPECT_EQ(RevisionNames(), (std::vector<std::string>{"hello-blue", "hello-green"}));
  json green = Get(Kind::kRevision, "hello-green");
  EXPECT_EQ(Label(green, label::kConfigurationGeneration), "2");
  json ready_svc = Get(Kind::kService, "hello");
  EXPECT_EQ(Cond(ready_svc, "Ready")["status"], "True");
  EXPECT_EQ(ready_svc["status"]["latestReadyRevisionName"], "hello-green");
}

TEST_F(ControllerTest, BringYourOwnNameTakenByAnotherRevision) {
  // A revision of that name that no configuration of ours owns.
  json squatter = json::parse(R"({"apiVersion": "serving.knative.dev/v1", "kind": "Revision",
    "metadata": {"name": "hello-blue", "namespace": "default"},
    "spec": {"containers": [{"image": "/bin/false"}]}})");
  Create(Kind::kRevision, squatter);
  json svc = HelloService();
  svc["spec"]["template"]["metadata"]["name"] = "hello-blue";
  Create(Kind::kService, svc);
  Settle();
  json config = Get(Kind::kConfiguration, "hello");
  EXPECT_EQ(Cond(config, "Ready")["status"], "False");
  EXPECT_EQ(Cond(config, "Ready")["reason"], "RevisionFailed");
  EXPECT_EQ(Cond(config, "Ready")["message"],
            "Revision creation failed with message: revisions.serving.knative.dev \"hello-blue\" "
            "already exists.");
  json status_svc = Get(Kind::kService, "hello");
  EXPECT_EQ(Cond(status_svc, "Ready")["status"], "False");
  EXPECT_EQ(Cond(status_svc, "RoutesReady")["reason"], "RevisionNameTaken");
  EXPECT_FALSE(Exists(Kind::kRoute, "hello"));  // traffic is never pointed at the squatter
}

TEST_F(ControllerTest, TrafficSplitWithTags) {
  Create(Kind::kService, HelloService());
  Settle();
  UpdateService([](json& spec) {
    spec["template"]["spec"]["containers"][0]["env"][0]["value"] = "v2";
    spec["traffic"] = json::parse(R"([
      {"tag": "current", "revisionName": "hello-00001", "percent": 50},
      {"tag": "candidate", "latestRevision": true, "percent": 50}])");
  });
  Settle();
  json svc = Get(Kind::kService, "hello");
  EXPECT_EQ(Cond(svc, "Ready")["status"], "True");
  EXPECT_EQ(svc["status"]["traffic"], json::parse(R"([
    {"tag": "current", "revisionName": "hello-00001", "latestRevision": false, "percent": 50,
     "url": "http://current-hello.default.example.com"},
    {"tag": "candidate", "revisionName": "hello-00002", "latestRevision": true, "percent": 50,
     "url": "http://candidate-hello.default.example.com"}])"));
  EXPECT_EQ(Get(Kind::kRoute, "hello")["status"]["traffic"], svc["status"]["traffic"]);
}

TEST_F(ControllerTest, RevisionFailureReachesTheService) {
  health_.Fail("hello-00001", "ContainerMissing", "Unable to find executable \"./app\"");
  Create(Kind::kService, HelloService());
  Settle();
  json rev = Get(Kind::kRevision, "hello-00001");
  EXPECT_EQ(Cond(rev, "Ready")["status"], "False");
  EXPECT_EQ(Cond(rev, "ContainerHealthy")["reason"], "ContainerMissing");
  json config = Get(Kind::kConfiguration, "hello");
  EXPECT_EQ(Cond(config, "Ready")["message"],
            "Revision \"hello-00001\" failed with message: Unable to find executable \"./app\".");
  json svc = Get(Kind::kService, "hello");
  EXPECT_EQ(Cond(svc, "Ready")["status"], "False");
  EXPECT_EQ(Cond(svc, "Ready")["reason"], "RevisionFailed");
  EXPECT_EQ(Cond(svc, "Ready")["message"], Cond(config, "Ready")["message"]);
  EXPECT_EQ(Cond(svc, "RoutesReady")["reason"], "RevisionMissing");
  EXPECT_FALSE(svc["status"].contains("latestReadyRevisionName"));

  // The executable shows up: the revision is rechecked, and everything turns Ready.
  health_.Heal("hello-00001");
  clock_.Advance(Reconciler::kFailedRevisionRecheck);
  Settle();
  EXPECT_EQ(Cond(Get(Kind::kService, "hello"), "Ready")["status"], "True");
}

TEST_F(ControllerTest, FailedUpdateKeepsServingThePreviousRevision) {
  Create(Kind::kService, HelloService());
  Settle();
  health_.Fail("hello-00002", "ExitCode1", "boom");
  UpdateService(
      [](json& spec) { spec["template"]["spec"]["containers"][0]["env"][0]["value"] = "broken"; });
  Settle();
  json svc = Get(Kind::kService, "hello");
  EXPECT_EQ(Cond(svc, "Ready")["status"], "False");
  EXPECT_EQ(svc["status"]["latestCreatedRevisionName"], "hello-00002");
  EXPECT_EQ(svc["status"]["latestReadyRevisionName"], "hello-00001");
  EXPECT_EQ(svc["status"]["traffic"][0]["revisionName"], "hello-00001");
}

TEST_F(ControllerTest, LocalExecutableHealthExplainsImages) {
  LocalExecutableHealth local;
  controller_ = std::make_unique<Controller>(*registry_, config_, clock_, local);
  json svc = HelloService();
  svc["spec"]["template"]["spec"]["containers"][0]["image"] =
      "gcr.io/knative-samples/helloworld-go";
  Create(Kind::kService, svc);
  Settle();
  std::string message = Cond(Get(Kind::kService, "hello"), "Ready")["message"];
  EXPECT_NE(message.find("ebb runs local executables"), std::string::npos) << message;
  controller_.reset();  // before `local` goes
}

TEST_F(ControllerTest, NoOpReconcileWritesNothing) {
  Create(Kind::kService, HelloService());
  Settle();
  std::map<std::string, std::string> before = ResourceVersions();
  clock_.Advance(std::chrono::minutes(5));
  for (Kind kind : api::kAllKinds) {
    auto list = registry_->List(kind, "default", {});
    for (const json& obj : list->items) controller_->Enqueue(kind, "default", Name(obj));
  }
  EXPECT_GE(controller_->RunUntilIdle(), 4);
  EXPECT_EQ(ResourceVersions(), before);
}

TEST_F(ControllerTest, TransitionTimeMovesOnlyWhenStatusChanges) {
  health_.Fail("hello-00001", "ExitCode1", "first crash");
  Create(Kind::kService, HelloService());
  Settle();
  std::string failed_at = Cond(Get(Kind::kRevision, "hello-00001"), "Ready")["lastTransitionTime"];

  clock_.Advance(std::chrono::minutes(1));
  health_.Fail("hello-00001", "ExitCode2", "second crash");
  controller_->Enqueue(Kind::kRevision, "default", "hello-00001");
  Settle();
  json rev = Get(Kind::kRevision, "hello-00001");
  EXPECT_EQ(Cond(rev, "Ready")["reason"], "ExitCode2");
  EXPECT_EQ(Cond(rev, "Ready")["lastTransitionTime"], failed_at);

  clock_.Advance(std::chrono::minutes(1));
  health_.Heal("hello-00001");
  controller_->Enqueue(Kind::kRevision, "default", "hello-00001");
  Settle();
  rev = Get(Kind::kRevision, "hello-00001");
  EXPECT_EQ(Cond(rev, "Ready")["status"], "True");
  EXPECT_EQ(Cond(rev, "Ready")["lastTransitionTime"], FormatRfc3339(clock_.Now()));
  EXPECT_NE(Cond(rev, "Ready")["lastTransitionTime"], failed_at);
}

TEST_F(ControllerTest, GarbageCollectionKeepsRoutedAndNewest) {
  config_.gc.min_non_active_revisions = 2;
  json svc = HelloService("v1");
  svc["spec"]["traffic"] = json::parse(R"([
    {"tag": "pinned", "revisionName": "hello-00001", "percent": 0},
    {"latestRevision": true, "percent": 100}])");
  // hello-00001 must exist before a route can name it: create without the pin first.
  json first = HelloService("v1");
  Create(Kind::kService, first);
  Settle();
  UpdateService([&](json& spec) { spec["traffic"] = svc["spec"]["traffic"]; });
  Settle();
  for (int i = 2; i <= 7; ++i) {
    UpdateService([&](json& spec) {
      spec["template"]["spec"]["containers"][0]["env"][0]["value"] = "v" + std::to_string(i);
    });
    Settle();
  }
  // 00001 routed (pinned), 00007 latest; 00002..00006 idle, all recent: nothing collected yet.
  EXPECT_EQ(RevisionNames().size(), 7u);
  clock_.Advance(std::chrono::hours(49));
  Settle();  // the configuration's GC recheck is due now
  EXPECT_EQ(RevisionNames(),
            (std::vector<std::string>{"hello-00001", "hello-00005", "hello-00006", "hello-00007"}));
}

TEST_F(ControllerTest, MaxNonActiveRevisionsCollectsAtOnce) {
  config_.gc.min_non_active_revisions = 1;
  config_.gc.max_non_active_revisions = 2;
  config_.gc.retain_since_create_time = config::Seconds(-1);
  config_.gc.retain_since_last_active_time = config::Seconds(-1);
  Create(Kind::kService, HelloService("v1"));
  Settle();
  for (int i = 2; i <= 5; ++i) {
    UpdateService([&](json& spec) {
      spec["template"]["spec"]["containers"][0]["env"][0]["value"] = "v" + std::to_string(i);
    });
    Settle();
  }
  EXPECT_EQ(RevisionNames(),
            (std::vector<std::string>{"hello-00003", "hello-00004", "hello-00005"}));
}

TEST_F(ControllerTest, BareConfigurationAndRoute) {
  CreateBareConfigurationAndRoute();
  Settle();
  json rev = Get(Kind::kRevision, "bare-00001");
  EXPECT_EQ(Label(rev, label::kService), "");
  EXPECT_EQ(Label(rev, label::kRoutingState), "active");
  json route = Get(Kind::kRoute, "front");
  EXPECT_EQ(Cond(route, "Ready")["status"], "True");
  EXPECT_EQ(route["status"]["url"], "http://front.default.example.com");
  EXPECT_EQ(route["status"]["traffic"][0]["revisionName"], "bare-00001");

  // Deleting the route releases the revision.
  ASSERT_TRUE(registry_->Delete(Kind::kRoute, "default", "front", {}).ok());
  Settle();
  EXPECT_EQ(Label(Get(Kind::kRevision, "bare-00001"), label::kRoutingState), "reserve");
}

TEST_F(ControllerTest, RouteToAMissingConfiguration) {
  Create(Kind::kRoute, json::parse(R"({
    "apiVersion": "serving.knative.dev/v1", "kind": "Route",
    "metadata": {"name": "front", "namespace": "default"},
    "spec": {"traffic": [{"configurationName": "nope", "percent": 100}]}})"));
  Settle();
  json route = Get(Kind::kRoute, "front");
  EXPECT_EQ(Cond(route, "AllTrafficAssigned")["reason"], "ConfigurationMissing");
  EXPECT_EQ(Cond(route, "Ready")["status"], "False");
}

TEST_F(ControllerTest, DeletingTheServiceLeavesNothingBehind) {
  Create(Kind::kService, HelloService());
  Settle();
  ASSERT_TRUE(registry_->Delete(Kind::kService, "default", "hello", {}).ok());
  Settle();
  EXPECT_TRUE(ResourceVersions().empty());
}

TEST_F(ControllerTest, ForeignConfigurationIsNotTouched) {
  json foreign = Create(Kind::kConfiguration, json::parse(R"({
    "apiVersion": "serving.knative.dev/v1", "kind": "Configuration",
    "metadata": {"name": "hello", "namespace": "default"},
    "spec": {"template": {"spec": {"containers": [{"image": "/bin/false"}]}}}})"));
  Create(Kind::kService, HelloService());
  Settle();
  json svc = Get(Kind::kService, "hello");
  EXPECT_EQ(Cond(svc, "ConfigurationsReady")["reason"], "NotOwned");
  EXPECT_EQ(Cond(svc, "Ready")["status"], "False");
  EXPECT_EQ(Get(Kind::kConfiguration, "hello")["spec"], foreign["spec"]);
}

// A change to one service reconciles that service's objects, not every route of the
// namespace: the work must not grow with the number of services (1000 services made the
// controller quadratic before the index).
TEST_F(ControllerTest, OneServiceChangeDoesNotReconcileEveryRoute) {
  auto named = [](int i) {
    json svc = HelloService();
    svc["metadata"]["name"] = "svc-" + std::to_string(i);
    return svc;
  };
  for (int i = 0; i < 5; ++i) Create(Kind::kService, named(i));
  Settle();
  json svc = Get(Kind::kService, "svc-0");
  svc["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"] = "Ebb";
  ASSERT_TRUE(registry_->Update(Kind::kService, "default", "svc-0", svc, {}).ok());
  int few = controller_->RunUntilIdle();

  for (int i = 5; i < 40; ++i) Create(Kind::kService, named(i));
  Settle();
  svc = Get(Kind::kService, "svc-1");
  svc["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"] = "Ebb";
  ASSERT_TRUE(registry_->Update(Kind::kService, "default", "svc-1", svc, {}).ok());
  int many = controller_->RunUntilIdle();

  // Equal but for timing: a watch event that arrives while its key is still queued is merged.
  // Queuing every route of the namespace would add at least 35.
  EXPECT_LE(many, few + 8) << "reconciles for one template change, with 5 and with 40 services";
  EXPECT_EQ(Get(Kind::kService, "svc-1")["status"]["latestReadyRevisionName"], "svc-1-00002");
  EXPECT_EQ(Label(Get(Kind::kRevision, "svc-1-00001"), label::kRoutingState), "reserve");
  EXPECT_EQ(Label(Get(Kind::kRevision, "svc-1-00002"), label::kRoutingState), "active");
  EXPECT_EQ(Label(Get(Kind::kRevision, "svc-2-00001"), label::kRoutingState), "active");
}

// Deleting a route that sent traffic to a revision makes it reserve (the route's watch event
// queues the revision).
TEST_F(ControllerTest, DeletedRouteReleasesItsRevisions) {
  CreateBareConfigurationAndRoute();
  Settle();
  EXPECT_EQ(Label(Get(Kind::kRevision, "bare-00001"), label::kRoutingState), "active");
  ASSERT_TRUE(registry_->Delete(Kind::kRoute, "default", "front", {}).ok());
  Settle();
  EXPECT_EQ(Label(Get(Kind::kRevision, "bare-00001"), label::kRoutingState), "reserve");
}

TEST_F(ControllerTest, WorkerThreadReconcilesUntilStopped) {
  std::mutex mu;
  std::condition_variable cv;
  bool ready = false;
  auto watch =
      registry_->Watch(Kind::kService, "default", {}, "", [&](const registry::WatchEvent& e) {
        if (ConditionStatus(e.object, "Ready") != "True") return;
        std::lock_guard<std::mutex> lock(mu);
        ready = true;
        cv.notify_all();
      });
  ASSERT_TRUE(watch.ok());
  ASSERT_TRUE(controller_->Start().ok());
  Create(Kind::kService, HelloService());
  {
    std::unique_lock<std::mutex> lock(mu);
    EXPECT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return ready; }));
  }
  controller_->Stop();
  controller_->Stop();  // idempotent
  EXPECT_FALSE(controller_->Start().ok());
}

}  // namespace controller_test
}  // namespace ebb::controller
