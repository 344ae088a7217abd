#include "runtime/launch.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

namespace ebb::runtime {
namespace {

using json = nlohmann::json;

json Revision(json container) {
  return {{"apiVersion", "serving.knative.dev/v1"},
          {"kind", "Revision"},
          {"metadata",
           {{"name", "hello-00001"},
            {"namespace", "demo"},
            {"uid", "rev-uid"},
            {"labels",
             {{"serving.knative.dev/service", "hello"},
              {"serving.knative.dev/configuration", "hello-config"}}},
            {"annotations", {{"ebb.dev/socket-activation", "true"}}}}},
          {"spec", {{"timeoutSeconds", 42}, {"containers", json::array({container})}}}};
}

bool Has(const std::vector<std::string>& env, const std::string& entry) {
  return std::find(env.begin(), env.end(), entry) != env.end();
}

TEST(ParseRevision, ReadsMetadataContainerAndProbes) {
  json container = {
      {"name", "user-container"},
      {"image", "/bin/app"},
      {"command", {"/bin/sh", "-c"}},
      {"args", {"echo hi"}},
      {"workingDir", "/tmp"},
      {"env", {{{"name", "A"}, {"value", "1"}}, {{"name", "EMPTY"}}}},
      {"readinessProbe",
       {{"httpGet", {{"path", "healthz"}, {"httpHeaders", {{{"name", "X-A"}, {"value", "b"}}}}}},
        {"successThreshold", 2}}},
      {"livenessProbe",
       {{"exec", {{"command", {"true"}}}}, {"periodSeconds", 5}, {"failureThreshold", 4}}}};
  Result<RevisionTemplate> t = ParseRevision(Revision(container));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->revision, "hello-00001");
  EXPECT_EQ(t->namespace_name, "demo");
  EXPECT_EQ(t->revision_uid, "rev-uid");
  EXPECT_EQ(t->service, "hello");
  EXPECT_EQ(t->configuration, "hello-config");
  EXPECT_TRUE(t->socket_activation);
  EXPECT_EQ(t->timeout, std::chrono::seconds(42));
  EXPECT_EQ(t->image, "/bin/app");
  EXPECT_EQ(t->command, (std::vector<std::string>{"/bin/sh", "-c"}));
  EXPECT_EQ(t->args, (std::vector<std::string>{"echo hi"}));
  EXPECT_EQ(t->working_dir, "/tmp");
  EXPECT_EQ(t->env, (EnvList{{"A", "1"}, {"EMPTY", ""}}));
  EXPECT_EQ(t->readiness.kind, Probe::Kind::kHttp);
  EXPECT_EQ(t->readiness.path, "/healthz");
  EXPECT_EQ(t->readiness.headers, (EnvList{{"X-A", "b"}}));
  EXPECT_EQ(t->readiness.success_threshold, 2);
  ASSERT_TRUE(t->liveness.has_value());
  EXPECT_EQ(t->liveness->kind, Probe::Kind::kExec);
  EXPECT_EQ(t->liveness->command, (std::vector<std::string>{"true"}));
  EXPECT_EQ(t->liveness->period_seconds, 5);
  EXPECT_EQ(t->liveness->failure_threshold, 4);
}

TEST(ParseRevision, DefaultsWhatIsAbsent) {
  json rev = Revision({{"image", "app"}});
  rev["metadata"].erase("annotations");
  rev["metadata"].erase("namespace");
  rev["spec"].erase("timeoutSeconds");
  Result<RevisionTemplate> t = ParseRevision(rev);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->namespace_name, "default");
  EXPECT_FALSE(t->socket_activation);
  EXPECT_EQ(t->timeout, std::chrono::seconds(300));
  EXPECT_EQ(t->container_name, "user-container");
  EXPECT_EQ(t->readiness.kind, Probe::Kind::kTcp);  // no probe: TCP on PORT
  EXPECT_FALSE(t->liveness.has_value());
}

TEST(ParseRevision, PicksTheContainerThatDeclaresAPort) {
  json rev = Revision({{"name", "sidecar"}, {"image", "side"}});
  rev["spec"]["containers"].push_back(
      {{"name", "server"}, {"image", "main"}, {"ports", {{{"containerPort", 8080}}}}});
  Result<RevisionTemplate> t = ParseRevision(rev);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->container_name, "server");
  EXPECT_EQ(t->image, "main");
}

TEST(ParseRevision, RejectsWhatItCannotRun) {
  EXPECT_EQ(ParseRevision(json::object()).status().code(), Code::kInvalid);
  json no_containers = Revision({});
  no_containers["spec"]["containers"] = json::array();
  EXPECT_EQ(ParseRevision(no_containers).status().code(), Code::kInvalid);
  json value_from = Revision({{"image", "x"}, {"env", {{{"name", "S"}, {"valueFrom", {}}}}}});
  Result<RevisionTemplate> t = ParseRevision(value_from);
  EXPECT_EQ(t.status().code(), Code::kInvalid);
  EXPECT_NE(t.status().message().find("valueFrom"), std::string::npos);
  json wrong_type = Revision({{"image", "x"}});
  wrong_type["metadata"]["labels"] = "not an object";
  EXPECT_TRUE(ParseRevision(wrong_type).ok());  // unexpected types read as absent
}

TEST(InstanceEnvironment, LayersBaseContainerAndReservedVariables) {
  RevisionTemplate t;
  t.revision = "hello-00001";
  t.service = "hello";
  t.configuration = "hello";
  t.env = {
      {"PATH", "/opt/bin"}, {"GREETING", "hi on $(PORT)"}, {"PORT", "1"}, {"B", "$(GREETING)!"}};
  std::vector<std::string> env =
      InstanceEnvironment(t, InstanceEnv{20001, "@ebb-notify"}, {"PATH=/usr/bin", "HOME=/root"});
  EXPECT_TRUE(Has(env, "PATH=/opt/bin"));
  EXPECT_TRUE(Has(env, "HOME=/root"));
  EXPECT_TRUE(Has(env, "GREETING=hi on 20001"));
  EXPECT_TRUE(Has(env, "B=hi on 20001!"));
  EXPECT_TRUE(Has(env, "PORT=20001"));  // reserved: the container cannot override it
  EXPECT_FALSE(Has(env, "PORT=1"));
  EXPECT_TRUE(Has(env, "K_SERVICE=hello"));
  EXPECT_TRUE(Has(env, "K_CONFIGURATION=hello"));
  EXPECT_TRUE(Has(env, "K_REVISION=hello-00001"));
  EXPECT_TRUE(Has(env, "NOTIFY_SOCKET=@ebb-notify"));
}

TEST(ExpandVars, FollowsKubernetes) {
  EnvList vars = {{"PORT", "8080"}, {"X", "y"}};
  EXPECT_EQ(ExpandVars("--port=$(PORT)", vars), "--port=8080");
  EXPECT_EQ(ExpandVars("$(X)$(X)", vars), "yy");
  EXPECT_EQ(ExpandVars("$(UNKNOWN)", vars), "$(UNKNOWN)");
  EXPECT_EQ(ExpandVars("$$(PORT)", vars), "$(PORT)");
  EXPECT_EQ(ExpandVars("cost $5 $", vars), "cost $5 $");
  EXPECT_EQ(ExpandVars("$(PORT", vars), "$(PORT");
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ebb-launch-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf " + path_).c_str()); }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name, int mode) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p) << "#!/bin/sh\n";
    ::chmod(p.c_str(), mode);
    return p;
  }

 private:
  std::string path_;
};

TEST(PlanLaunch, RunsCommandPlusArgsOrImagePlusArgs) {
  TempDir dir;
  std::string app = dir.File("app", 0755);
  RevisionTemplate t;
  t.image = "./app";
  t.working_dir = dir.path();
  t.args = {"--port", "$(PORT)"};
  Result<LaunchPlan> plan = PlanLaunch(t, InstanceEnv{20005, ""}, {"PATH=/usr/bin:/bin"});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->path, dir.path() + "/./app");
  EXPECT_EQ(plan->argv, (std::vector<std::string>{"./app", "--port", "20005"}));
  EXPECT_EQ(plan->cwd, dir.path());

  t.command = {"sh", "-c"};
  t.args = {"echo $PORT"};
  plan = PlanLaunch(t, InstanceEnv{20005, ""}, {"PATH=/usr/bin:/bin"});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->path, "/usr/bin/sh");
  EXPECT_EQ(plan->argv, (std::vector<std::string>{"sh", "-c", "echo $PORT"}));
}

TEST(PlanLaunch, ExplainsAnImageThatCannotRunHere) {
  RevisionTemplate t;
  t.image = "gcr.io/knative-samples/helloworld-go";
  Result<LaunchPlan> plan = PlanLaunch(t, InstanceEnv{1, ""}, {"PATH=/usr/bin"});
  EXPECT_EQ(plan.status().code(), Code::kNotFound);
  EXPECT_NE(plan.status().message().find("OCI image reference"), std::string::npos);
  t.image = "no-such-program-here";
  plan = PlanLaunch(t, InstanceEnv{1, ""}, {"PATH=/usr/bin"});
  EXPECT_EQ(plan.status().code(), Code::kNotFound);
  EXPECT_NE(plan.status().message().find("not an executable file"), std::string::npos);
  t.image = "";
  EXPECT_EQ(PlanLaunch(t, InstanceEnv{1, ""}, {}).status().code(), Code::kNotFound);
}

TEST(PlanLaunch, UsesADefaultPathWhenTheEnvironmentHasNone) {
  RevisionTemplate t;
  t.image = "sh";
  Result<LaunchPlan> plan = PlanLaunch(t, InstanceEnv{1, ""}, {});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->path.substr(plan->path.size() - 3), "/sh");
}

TEST(PlanExec, RunsTheProbeCommandInTheInstanceEnvironment) {
  RevisionTemplate t;
  t.revision = "r";
  Result<LaunchPlan> plan =
      PlanExec(t, InstanceEnv{7, ""}, {"PATH=/bin"}, {"test", "-n", "$(PORT)"});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->argv, (std::vector<std::string>{"test", "-n", "7"}));
  EXPECT_TRUE(Has(plan->env, "PORT=7"));
  EXPECT_EQ(PlanExec(t, InstanceEnv{7, ""}, {}, {}).status().code(), Code::kInvalid);
}

}  // namespace
}  // namespace ebb::runtime
