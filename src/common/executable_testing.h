// Test fixture (tests only): a temporary directory with bin/app (executable) and bin/data (not
// executable), for the tests of executable lookup (common, controller).
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace ebb::test_fixtures {

class ExecutableDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ebb-executable-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "bin");
    Write(dir_ / "bin" / "app", 0755);
    Write(dir_ / "bin" / "data", 0644);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static void Write(const std::filesystem::path& p, mode_t mode) {
    std::ofstream(p) << "#!/bin/sh\n";
    ::chmod(p.c_str(), mode);
  }

  std::filesystem::path dir_;
};

}  // namespace ebb::test_fixtures
