// Orphan reaping against real process groups.
#include "runtime/tracker.h"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "runtime/spawn.h"
#include "runtime/test_util.h"

namespace ebb::runtime {
namespace {

using testing::GroupGone;
using testing::LiveGroupMembers;

// Starts `sh` that backgrounds two sleeps, as an app that leaves workers behind; returns
// once both are running.
SpawnedProcess StartGroupWithWorkers() {
  int fds[2];
  EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  ProcessSpawner spawner;
  Result<SpawnedProcess> proc = spawner.Spawn(
      {"/bin/sh", {"sh", "-c", "sleep 300 & sleep 300 & echo up; wait"}, {}, "", fds[1]});
  ::close(fds[1]);
  EXPECT_TRUE(proc.ok()) << proc.status().ToString();
  char buf[8];
  EXPECT_EQ(::read(fds[0], buf, sizeof buf), 3);
  ::close(fds[0]);
  return std::move(proc).value();
}

class TrackerTest : public ::testing::Test {
 protected:
  TrackerTest() {
    char tmpl[] = "/tmp/ebb-tracker-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  ~TrackerTest() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(TrackerTest, ReapsARecordedGroupAfterItsLeaderDied) {
  SpawnedProcess proc = StartGroupWithWorkers();
  EXPECT_EQ(LiveGroupMembers(proc.pid), 3);
  InstanceTracker tracker(dir_ + "/instances");
  ASSERT_TRUE(tracker.Record(proc.pid, *ReadStartTicks(proc.pid), "hello-00001-deployment-abcde").ok());
  // The old server died: PR_SET_PDEATHSIG took the leader, its workers live on.
  ::kill(proc.pid, SIGKILL);
  ::waitpid(proc.pid, nullptr, 0);
  ASSERT_EQ(LiveGroupMembers(proc.pid), 2);
  EXPECT_EQ(InstanceTracker(dir_ + "/instances").ReapOrphans(), 1);
  EXPECT_TRUE(GroupGone(proc.pid));
  EXPECT_TRUE(std::filesystem::is_empty(dir_ + "/instances"));
}

TEST_F(TrackerTest, ReapsALiveLeaderWithItsGroup) {
  SpawnedProcess proc = StartGroupWithWorkers();
  InstanceTracker tracker(dir_);
  ASSERT_TRUE(tracker.Record(proc.pid, *ReadStartTicks(proc.pid), "pod").ok());
  EXPECT_EQ(tracker.ReapOrphans(), 1);
  int status = 0;
  ::waitpid(proc.pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_TRUE(GroupGone(proc.pid));
}

TEST_F(TrackerTest, LeavesAReusedPidAlone) {
  InstanceTracker tracker(dir_);
  Result<std::uint64_t> my_ticks = ReadStartTicks(::getpid());
  ASSERT_TRUE(my_ticks.ok());
  // A record whose pid now belongs to another process (this test): different start time.
  ASSERT_TRUE(tracker.Record(::getpid(), *my_ticks + 1, "old-pod").ok());
  EXPECT_EQ(tracker.ReapOrphans(), 0);  // and we are still here
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
}

TEST_F(TrackerTest, ForgetRemovesTheRecordAndJunkIsCleanedUp) {
  InstanceTracker tracker(dir_);
  ASSERT_TRUE(tracker.Record(4242, 7, "pod").ok());
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/4242"));
  tracker.Forget(4242);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/4242"));
  std::ofstream(dir_ + "/junk") << "not a record\n";
  EXPECT_EQ(tracker.ReapOrphans(), 0);
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
  EXPECT_EQ(InstanceTracker(dir_ + "/missing").ReapOrphans(), 0);
}

}  // namespace
}  // namespace ebb::runtime
