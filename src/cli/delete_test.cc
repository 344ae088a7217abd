#include "cli/delete.h"

#include <gtest/gtest.h>

#include "cli/test_env.h"

namespace ebb::cli {
namespace {

class DeleteTest : public ::testing::Test {
 protected:
  DeleteTest() {
    env_.client.Put(ksvc_, {{"metadata", {{"name", "hello"}}}});
    env_.client.Put(ksvc_, {{"metadata", {{"name", "bye"}}}});
  }
  int Delete(DeleteOptions options) { return RunDelete(options, env_.ctx); }
  const ResourceType ksvc_ = KnativeType(api::Kind::kService);
  TestEnv env_;
};

TEST_F(DeleteTest, ByName) {
  EXPECT_EQ(Delete({.args = {"ksvc", "hello", "bye"}}), 0);
  EXPECT_EQ(env_.out.str(),
            "service.serving.knative.dev \"hello\" deleted\n"
            "service.serving.knative.dev \"bye\" deleted\n");
  EXPECT_EQ(env_.client.Find(ksvc_, "default", "hello"), nullptr);
}

TEST_F(DeleteTest, KindSlashName) {
  EXPECT_EQ(Delete({.args = {"ksvc/hello"}}), 0);
  EXPECT_EQ(env_.out.str(), "service.serving.knative.dev \"hello\" deleted\n");
}

TEST_F(DeleteTest, MissingObjects) {
  EXPECT_EQ(Delete({.args = {"ksvc", "nope", "hello"}}), 1);
  EXPECT_EQ(env_.err.str(),
            "Error from server (NotFound): services.serving.knative.dev \"nope\" not found\n");
  EXPECT_EQ(env_.out.str(), "service.serving.knative.dev \"hello\" deleted\n");

  env_.err.str("");
  EXPECT_EQ(Delete({.args = {"ksvc", "nope"}, .ignore_not_found = true}), 0);
  EXPECT_EQ(env_.err.str(), "");
}

TEST_F(DeleteTest, FromManifests) {
  env_.in.str(
      "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: hello}\n---\n"
      "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: gone}\n");
  EXPECT_EQ(Delete({.files = {"-"}}), 1);
  EXPECT_EQ(env_.out.str(), "service.serving.knative.dev \"hello\" deleted\n");
  EXPECT_EQ(env_.err.str(),
            "Error from server (NotFound): error when deleting \"STDIN\": "
            "services.serving.knative.dev \"gone\" not found\n");
}

TEST_F(DeleteTest, UsageErrors) {
  EXPECT_EQ(Delete({}), 1);
  EXPECT_EQ(env_.err.str(),
            "error: You must provide one or more resources by argument or filename.\n");
  env_.err.str("");
  EXPECT_EQ(Delete({.args = {"ksvc"}}), 1);
  EXPECT_EQ(env_.err.str(), "error: resource(s) were provided, but no name was specified\n");
  env_.err.str("");
  EXPECT_EQ(Delete({.args = {"ksvc", "a"}, .files = {"-"}}), 1);
  EXPECT_EQ(env_.err.str(), "error: resource names cannot be combined with -f\n");
  EXPECT_TRUE(env_.client.calls.empty());
}

TEST_F(DeleteTest, PodsAreReadOnlyOnTheServer) {
  env_.client.errors["DELETE pods/default/p"] = ApiResponse{
      405,
      FakeApiClient::StatusBody(405, "MethodNotAllowed",
                                "the server does not allow this method on the requested "
                                "resource"),
      ""};
  EXPECT_EQ(Delete({.args = {"po", "p"}}), 1);
  EXPECT_EQ(env_.err.str(),
            "Error from server (MethodNotAllowed): the server does not allow this method on the "
            "requested resource\n");
}

}  // namespace
}  // namespace ebb::cli
