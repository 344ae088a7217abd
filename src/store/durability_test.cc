// Concurrency and crash safety of the SQLite store: parallel writers, CAS races, and a writer
// process killed with SIGKILL in the middle of its write loop.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <map>
#include <set>
#include <thread>

#include "store/store.h"
#include "store/test_support.h"

namespace ebb::store {
namespace {

using ::testing::ElementsAre;

class DurabilityTest : public test::StoreFixture {
 protected:
  // Runs fn(i) on n threads released together, to make them collide.
  template <typename Fn>
  void RunTogether(int n, Fn fn) {
    std::latch start(n);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        fn(i);
      });
    }
    for (auto& t : threads) t.join();
  }
};

TEST_F(DurabilityTest, ConcurrentWritersLoseNoWrite) {
  constexpr int kThreads = 4;
  constexpr int kWrites = 150;
  std::mutex mu;
  std::set<Rev> revs;
  RunTogether(kThreads, [&](int t) {
    for (int i = 0; i < kWrites; ++i) {
      auto rev =
          store_->Put("/t" + std::to_string(t) + "/" + std::to_string(i), "v", kMustNotExist);
      ASSERT_TRUE(rev.ok()) << rev.status().ToString();
      std::lock_guard lock(mu);
      EXPECT_TRUE(revs.insert(*rev).second) << "revision handed out twice: " << *rev;
    }
  });
  EXPECT_EQ(revs.size(), static_cast<size_t>(kThreads * kWrites));
  EXPECT_EQ(*revs.begin(), 1);
  EXPECT_EQ(*revs.rbegin(), kThreads * kWrites);
  EXPECT_EQ(store_->List("/t")->items.size(), static_cast<size_t>(kThreads * kWrites));
}

TEST_F(DurabilityTest, CompareAndSwapIncrementsNeverLoseAnUpdate) {
  MustPut("/counter", "0", kMustNotExist);
  constexpr int kThreads = 4;
  constexpr int kIncrements = 50;
  std::atomic<int> conflicts = 0;
  RunTogether(kThreads, [&](int) {
    for (int done = 0; done < kIncrements;) {
      KV kv = MustGet("/counter");
      auto rev = store_->Put("/counter", std::to_string(std::stoi(kv.value) + 1), kv.mod_rev);
      if (rev.ok()) {
        ++done;
      } else {
        ASSERT_EQ(rev.status().code(), Code::kConflict);
        ++conflicts;
      }
    }
  });
  EXPECT_EQ(MustGet("/counter").value, std::to_string(kThreads * kIncrements));
  EXPECT_EQ(store_->CurrentRev(), 1 + kThreads * kIncrements);
}

TEST_F(DurabilityTest, CreateAndUpdateRacesHaveExactlyOneWinner) {
  constexpr int kThreads = 8;
  std::atomic<int> won = 0;
  std::atomic<int> exists = 0;
  RunTogether(kThreads, [&](int i) {
    auto rev = store_->Put("/x", std::to_string(i), kMustNotExist);
    if (rev.ok()) ++won;
    if (!rev.ok() && rev.status().code() == Code::kAlreadyExists) ++exists;
  });
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(exists.load(), kThreads - 1);

  Rev base = MustGet("/x").mod_rev;
  std::atomic<int> updated = 0;
  std::atomic<int> conflicts = 0;
  RunTogether(kThreads, [&](int i) {
    auto rev = store_->Put("/x", "u" + std::to_string(i), base);
    if (rev.ok()) ++updated;
    if (!rev.ok() && rev.status().code() == Code::kConflict) ++conflicts;
  });
  EXPECT_EQ(updated.load(), 1);
  EXPECT_EQ(conflicts.load(), kThreads - 1);
}

// Child process body: writes distinct keys forever, reporting each committed (index, revision)
// pair through `report`.
[[noreturn]] void WriteUntilKilled(const std::string& path, int report) {
  auto store = OpenSqliteStore(path);
  if (!store.ok()) _exit(2);
  for (Rev i = 0; i < 1000000; ++i) {
    auto rev = (*store)->Put("/k/" + std::to_string(i), std::to_string(i), kMustNotExist);
    if (!rev.ok()) _exit(3);
    Rev pair[2] = {i, *rev};
    if (write(report, pair, sizeof pair) != sizeof pair) _exit(4);
  }
  _exit(0);
}

// The child writes distinct keys in a loop and reports each committed revision through a pipe;
// the parent kills it with SIGKILL mid-loop. Every reported write must be readable afterwards,
// and the tables must agree with each other.
TEST_F(DurabilityTest, WriterKilledWithSigkillLosesNoCommittedWrite) {
  store_.reset();  // the child takes the store's lock
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) WriteUntilKilled(dir_.File("ebb.db"), fds[1]);
  close(fds[1]);
  std::map<Rev, Rev> committed;  // key index -> revision the child saw committed
  Rev pair[2];
  while (committed.size() < 300 && read(fds[0], pair, sizeof pair) == sizeof pair) {
    committed[pair[0]] = pair[1];
  }
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with status " << status;
  while (read(fds[0], pair, sizeof pair) == sizeof pair) committed[pair[0]] = pair[1];
  close(fds[0]);
  ASSERT_GE(committed.size(), 300u);

  EXPECT_THAT(RawQuery("PRAGMA integrity_check"), ElementsAre("ok"));
  Reopen();
  for (const auto& [i, rev] : committed) {
    KV kv = MustGet("/k/" + std::to_string(i));
    EXPECT_EQ(kv.mod_rev, rev);
    EXPECT_EQ(kv.value, std::to_string(i));
  }
  // At most one write can have committed after its report was cut short by the kill.
  Rev last = committed.rbegin()->second;
  EXPECT_GE(store_->CurrentRev(), last);
  EXPECT_LE(store_->CurrentRev(), last + 1);
  // `current` agrees with the newest log row of every key.
  EXPECT_THAT(RawQuery("SELECT count(*) FROM current c LEFT JOIN log l ON l.rev = c.rev "
                       "WHERE l.rev IS NULL OR l.key != c.key OR l.deleted != 0"),
              ElementsAre("0"));
  EXPECT_THAT(RawQuery("SELECT count(*) FROM (SELECT key, max(rev) AS rev FROM log GROUP BY key) "
                       "m LEFT JOIN current c ON c.key = m.key WHERE c.rev IS NOT m.rev"),
              ElementsAre("0"));
  // The revision counter continues after the crash.
  Rev after = MustPut("/after", "x");
  EXPECT_EQ(after, store_->CurrentRev());
  EXPECT_GT(after, last);
}

}  // namespace
}  // namespace ebb::store
