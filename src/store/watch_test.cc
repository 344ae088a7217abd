// Watch semantics of the SQLite store: replay + live with no gap or duplicate, prefix filtering,
// compaction, cancellation and close.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>

#include "store/sqlite_store.h"
#include "store/store.h"
#include "store/test_support.h"

namespace ebb::store {
namespace {

using test::EventLog;
using test::Revs;
using ::testing::ElementsAre;

class WatchTest : public test::StoreFixture {};

TEST_F(WatchTest, ReplaysHistoryFromRevisionThenFollowsLiveWritesInOrder) {
  MustPut("/a", "1", kMustNotExist);  // 1
  MustPut("/a", "2");                 // 2
  MustPut("/b", "1");                 // 3
  EventLog log;
  auto watch = store_->WatchPrefix("/", 2, log.Callbacks());
  ASSERT_TRUE(watch.ok()) << watch.status().ToString();
  MustPut("/c", "1");                               // 4
  ASSERT_TRUE(store_->Delete("/a", kAnyRev).ok());  // 5
  std::vector<Event> events = log.WaitFor(4);
  ASSERT_THAT(Revs(events), ElementsAre(2, 3, 4, 5));
  EXPECT_EQ(events[0].type, Event::Type::kPut);
  EXPECT_EQ(events[0].kv, (KV{"/a", "2", 1, 2}));
  EXPECT_EQ(events[2].kv, (KV{"/c", "1", 4, 4}));
  // A delete carries the last value and the incarnation's create_rev.
  EXPECT_EQ(events[3].type, Event::Type::kDelete);
  EXPECT_EQ(events[3].kv, (KV{"/a", "2", 1, 5}));
}

TEST_F(WatchTest, LongReplayCrossesBatchesWithoutGapOrDuplicate) {
  const int n = SqliteStore::kLogBatchRows * 2 + 7;
  for (int i = 0; i < n; ++i) MustPut("/k/" + std::to_string(i % 10), std::to_string(i));
  EventLog log;
  auto watch = store_->WatchPrefix("/k/", 1, log.Callbacks());
  ASSERT_TRUE(watch.ok());
  MustPut("/k/live", "x");
  std::vector<Event> events = log.WaitFor(n + 1);
  ASSERT_EQ(events.size(), static_cast<size_t>(n + 1));
  for (int i = 0; i <= n; ++i) EXPECT_EQ(events[i].kv.mod_rev, i + 1);
}

TEST_F(WatchTest, FromZeroDeliversOnlyFutureChanges) {
  MustPut("/a", "old");
  EventLog log;
  auto watch = store_->WatchPrefix("/", 0, log.Callbacks());
  ASSERT_TRUE(watch.ok());
  MustPut("/a", "new");
  std::vector<Event> events = log.WaitFor(1);
  ASSERT_THAT(Revs(events), ElementsAre(2));
  EXPECT_EQ(events[0].kv.value, "new");
}

TEST_F(WatchTest, FromFutureRevisionStartsThere) {
  MustPut("/a", "1");  // 1
  EventLog log;
  auto watch = store_->WatchPrefix("/", 4, log.Callbacks());
  ASSERT_TRUE(watch.ok());
  for (int i = 2; i <= 5; ++i) MustPut("/a", std::to_string(i));
  EXPECT_THAT(Revs(log.WaitFor(2)), ElementsAre(4, 5));
}

TEST_F(WatchTest, DeliversOnlyKeysUnderItsPrefix) {
  EventLog services;
  EventLog everything;
  auto w1 = store_->WatchPrefix("/kn/v1/services/", 0, services.Callbacks());
  auto w2 = store_->WatchPrefix("", 0, everything.Callbacks());
  ASSERT_TRUE(w1.ok() && w2.ok());
  MustPut("/kn/v1/services/default/a", "s");   // 1
  MustPut("/kn/v1/routes/default/a", "r");     // 2
  MustPut("/kn/v1/servicesX", "not a child");  // 3
  MustPut("/kn/v1/services/other/b", "s");     // 4
  EXPECT_THAT(Revs(everything.WaitFor(4)), ElementsAre(1, 2, 3, 4));
  // Every row up to 4 has been dispatched to both watches by now.
  EXPECT_THAT(Revs(services.Events()), ElementsAre(1, 4));
}

TEST_F(WatchTest, WatchBehindTheCompactionPointIsGone) {
  MustPut("/a", "1");
  MustPut("/a", "2");
  MustPut("/a", "3");
  ASSERT_TRUE(store_->Compact(3).ok());
  EventLog log;
  auto watch = store_->WatchPrefix("/", 2, log.Callbacks());
  ASSERT_FALSE(watch.ok());
  EXPECT_EQ(watch.status().code(), Code::kGone);
  EXPECT_EQ(store_->CompactedRev(), 3);
}

// A watch that is registered but not yet caught up when compaction passes it cannot continue
// without a gap: it ends with kGone instead of silently skipping revisions.
TEST_F(WatchTest, LaggingWatchEndsWithGoneWhenCompactedUnderIt) {
  MustPut("/a", "1");  // 1
  std::latch entered(1);
  std::latch release(1);
  WatchCallbacks blocking;
  blocking.on_event = [&](const Event&) {
    entered.count_down();
    release.wait();
  };
  auto blocker = store_->WatchPrefix("/", 1, std::move(blocking));
  ASSERT_TRUE(blocker.ok());
  entered.wait();  // the dispatcher is now parked inside the callback for rev 1
  EventLog lagging;
  auto watch = store_->WatchPrefix("/", 1, lagging.Callbacks());
  ASSERT_TRUE(watch.ok());
  MustPut("/a", "2");
  MustPut("/a", "3");
  ASSERT_TRUE(store_->Compact(3).ok());
  release.count_down();
  std::optional<Status> error = lagging.WaitForError();
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code(), Code::kGone);
  EXPECT_TRUE(lagging.Events().empty());
}

TEST_F(WatchTest, DestroyingAWatchInsideItsOwnCallbackStopsIt) {
  std::unique_ptr<Watch> self;
  std::atomic<int> calls = 0;
  WatchCallbacks cb;
  cb.on_event = [&](const Event&) {
    ++calls;
    self.reset();
  };
  auto watch = store_->WatchPrefix("/", 0, std::move(cb));
  ASSERT_TRUE(watch.ok());
  self = std::move(*watch);
  EventLog witness;
  auto w2 = store_->WatchPrefix("/", 0, witness.Callbacks());
  ASSERT_TRUE(w2.ok());
  MustPut("/a", "1");
  MustPut("/a", "2");
  MustPut("/a", "3");
  // Once rev 3 reached the witness, rows 1 and 2 were dispatched to every watch.
  EXPECT_THAT(Revs(witness.WaitFor(3)), ElementsAre(1, 2, 3));
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(WatchTest, DestructorWaitsForARunningCallback) {
  struct Shared {  // on the heap, so a destructor that does not wait fails cleanly
    std::latch entered{1};
    std::latch destroying{1};
    std::atomic<bool> finished = false;
  };
  auto shared = std::make_shared<Shared>();
  WatchCallbacks cb;
  cb.on_event = [shared](const Event&) {
    shared->entered.count_down();
    shared->destroying.wait();
    // Keep running a little after the destructor was called; a destructor that does not wait
    // returns during this window.
    for (int i = 0; i < 20000; ++i) std::this_thread::yield();
    shared->finished = true;
  };
  auto watch = store_->WatchPrefix("/", 0, std::move(cb));
  ASSERT_TRUE(watch.ok());
  MustPut("/a", "1");
  shared->entered.wait();
  shared->destroying.count_down();
  watch->reset();
  EXPECT_TRUE(shared->finished.load());
}

TEST_F(WatchTest, ClosingTheStoreEndsWatchesWithAnError) {
  EventLog log;
  auto watch = store_->WatchPrefix("/", 0, log.Callbacks());
  ASSERT_TRUE(watch.ok());
  store_.reset();
  std::optional<Status> error = log.WaitForError();
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code(), Code::kUnavailable);
  watch->reset();  // the handle may outlive the store
}

TEST_F(WatchTest, ManyWatchersEachSeeEveryEventOnce) {
  std::vector<std::unique_ptr<EventLog>> logs;
  std::vector<std::unique_ptr<Watch>> watches;
  for (int i = 0; i < 20; ++i) {
    logs.push_back(std::make_unique<EventLog>());
    auto w = store_->WatchPrefix("/", i % 2 == 0 ? 0 : 1, logs.back()->Callbacks());
    ASSERT_TRUE(w.ok());
    watches.push_back(std::move(*w));
  }
  for (int i = 0; i < 50; ++i) MustPut("/k" + std::to_string(i % 3), "v");
  std::vector<Rev> want;
  for (Rev r = 1; r <= 50; ++r) want.push_back(r);
  for (auto& log : logs) EXPECT_EQ(Revs(log->WaitFor(50)), want);
}

}  // namespace
}  // namespace ebb::store
