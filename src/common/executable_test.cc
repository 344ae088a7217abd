// ResolveExecutable and LooksLikeImageReference against real files in a temporary directory.
#include "common/executable.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/executable_testing.h"

namespace ebb {
namespace executable_test {

using test_fixtures::ExecutableDir;

TEST_F(ExecutableDir, AbsolutePath) {
  std::string app = (dir_ / "bin" / "app").string();
  EXPECT_EQ(ResolveExecutable(app, "", ""), app);
  EXPECT_EQ(ResolveExecutable((dir_ / "bin" / "missing").string(), "", ""), "");
  EXPECT_EQ(ResolveExecutable((dir_ / "bin" / "data").string(), "", ""), "");  // not executable
  EXPECT_EQ(ResolveExecutable((dir_ / "bin").string(), "", ""), "");           // a directory
}

TEST_F(ExecutableDir, RelativePathUsesWorkingDir) {
  EXPECT_EQ(ResolveExecutable("./bin/app", dir_.string(), ""), (dir_ / "./bin/app").string());
  EXPECT_EQ(ResolveExecutable("bin/app", dir_.string() + "/", ""), (dir_ / "bin/app").string());
  EXPECT_EQ(ResolveExecutable("./bin/app", "/nonexistent", ""), "");
}

TEST_F(ExecutableDir, RelativePathWithoutWorkingDirUsesCwd) {
  auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir_);
  EXPECT_EQ(ResolveExecutable("./bin/app", "", ""), (dir_ / "./bin/app").string());
  std::filesystem::current_path(cwd);
}

TEST_F(ExecutableDir, BareNameSearchesPath) {
  std::string path = "/nonexistent:" + (dir_ / "bin").string();
  EXPECT_EQ(ResolveExecutable("app", "", path), (dir_ / "bin" / "app").string());
  EXPECT_EQ(ResolveExecutable("data", "", path), "");
  EXPECT_EQ(ResolveExecutable("app", "", "/nonexistent"), "");
  EXPECT_EQ(ResolveExecutable("", "", path), "");
  EXPECT_EQ(ResolveExecutable("sh", "", "/usr/bin:/bin"), "/usr/bin/sh");
  EXPECT_EQ(ResolveExecutable("app", (dir_ / "bin").string(), "/nonexistent:"),  // "" = dir
            (dir_ / "bin" / "app").string());
}

TEST(LooksLikeImageReferenceTest, Cases) {
  EXPECT_TRUE(LooksLikeImageReference("gcr.io/knative-samples/helloworld-go"));
  EXPECT_TRUE(LooksLikeImageReference("localhost:5000/app"));
  EXPECT_TRUE(LooksLikeImageReference("nginx:1.25"));
  EXPECT_TRUE(LooksLikeImageReference("busybox@sha256:abcd"));
  EXPECT_FALSE(LooksLikeImageReference("./build/bin/helloworld"));
  EXPECT_FALSE(LooksLikeImageReference("../bin/app"));
  EXPECT_FALSE(LooksLikeImageReference("/usr/bin/python3"));
  EXPECT_FALSE(LooksLikeImageReference("helloworld"));
  EXPECT_FALSE(LooksLikeImageReference(""));
  EXPECT_FALSE(LooksLikeImageReference("bin/app"));
  EXPECT_TRUE(LooksLikeImageReference("localhost/app"));
}

}  // namespace executable_test
}  // namespace ebb
