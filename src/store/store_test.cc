#include "store/store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/test_support.h"

namespace ebb::store {
namespace {

using test::EventLog;
using test::Revs;
using test::TempDir;
using ::testing::ElementsAre;

class StoreTest : public test::StoreFixture {
 protected:
  std::vector<std::string> Keys(const std::string& prefix) {
    auto page = store_->List(prefix);
    EXPECT_TRUE(page.ok());
    std::vector<std::string> keys;
    if (page.ok()) {
      for (const KV& kv : page->items) keys.push_back(kv.key);
    }
    return keys;
  }
};

TEST_F(StoreTest, CreateUpdateDeleteWithExpectedRevisions) {
  EXPECT_EQ(store_->CurrentRev(), 0);
  Rev created = MustPut("/a", "v1", kMustNotExist);
  EXPECT_EQ(created, 1);
  EXPECT_EQ(MustGet("/a"), (KV{"/a", "v1", 1, 1}));

  EXPECT_EQ(store_->Put("/a", "again", kMustNotExist).status().code(), Code::kAlreadyExists);
  EXPECT_EQ(store_->Put("/a", "stale", 7).status().code(), Code::kConflict);
  EXPECT_EQ(store_->Put("/missing", "x", 1).status().code(), Code::kNotFound);

  Rev updated = MustPut("/a", "v2", created);
  EXPECT_EQ(updated, 2);
  EXPECT_EQ(MustGet("/a"), (KV{"/a", "v2", 1, 2}));
  EXPECT_EQ(MustPut("/a", "v3", kAnyRev), 3);

  EXPECT_EQ(store_->Delete("/a", updated).status().code(), Code::kConflict);
  EXPECT_EQ(store_->Delete("/missing", kAnyRev).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->CurrentRev(), 3);  // failed writes consume no revision
  auto deleted = store_->Delete("/a", 3);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 4);
  EXPECT_FALSE(store_->Get("/a")->has_value());
  EXPECT_EQ(store_->CurrentRev(), 4);

  // A new incarnation gets a new create_rev.
  EXPECT_EQ(MustPut("/a", "reborn", kMustNotExist), 5);
  EXPECT_EQ(MustGet("/a").create_rev, 5);
}

TEST_F(StoreTest, RejectsMeaninglessExpectedRevision) {
  EXPECT_EQ(store_->Put("/a", "v", -2).status().code(), Code::kBadRequest);
  EXPECT_EQ(store_->CurrentRev(), 0);
}

TEST_F(StoreTest, GetOfMissingKeyIsEmptyNotAnError) {
  auto kv = store_->Get("/nope");
  ASSERT_TRUE(kv.ok());
  EXPECT_FALSE(kv->has_value());
}

TEST_F(StoreTest, ValuesAreOpaqueBytes) {
  std::string binary("a\0b\xff\n", 5);
  MustPut("/bin", binary);
  MustPut("/empty", "");
  EXPECT_EQ(MustGet("/bin").value, binary);
  EXPECT_EQ(MustGet("/empty").value, "");
}

TEST_F(StoreTest, ListsLiveKeysUnderPrefixOrderedByKeyWithSnapshotRev) {
  MustPut("/a/2", "x");
  MustPut("/a/1", "x");
  MustPut("/a0", "x");  // shares the characters but not the prefix "/a/"
  MustPut("/b/1", "x");
  MustPut("/a/3", "x");
  ASSERT_TRUE(store_->Delete("/a/3", kAnyRev).ok());

  auto page = store_->List("/a/");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->rev, 6);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0], (KV{"/a/1", "x", 2, 2}));
  EXPECT_EQ(page->items[1], (KV{"/a/2", "x", 1, 1}));
  EXPECT_THAT(Keys(""), ElementsAre("/a/1", "/a/2", "/a0", "/b/1"));
  EXPECT_THAT(Keys("/c"), ElementsAre());
}

TEST_F(StoreTest, ListHandlesPrefixesEndingInHighBytes) {
  MustPut("a\xff", "x");
  MustPut("a\xff\xff", "x");
  MustPut("b", "x");
  MustPut("\xff\xff", "x");
  EXPECT_THAT(Keys("a\xff"), ElementsAre("a\xff", "a\xff\xff"));
  EXPECT_THAT(Keys("\xff"), ElementsAre("\xff\xff"));
}

TEST_F(StoreTest, PersistsAcrossReopenAndRevisionCounterContinues) {
  MustPut("/a", "1");
  MustPut("/b", "1");
  MustPut("/a", "2");
  ASSERT_TRUE(store_->Delete("/b", kAnyRev).ok());
  KV before = MustGet("/a");
  Reopen();
  EXPECT_EQ(MustGet("/a"), before);
  EXPECT_FALSE(store_->Get("/b")->has_value());
  EXPECT_EQ(store_->CurrentRev(), 4);
  EXPECT_EQ(MustPut("/c", "1"), 5);
  // History survives too: a watch from revision 1 replays everything.
  EventLog log;
  auto watch = store_->WatchPrefix("", 1, log.Callbacks());
  ASSERT_TRUE(watch.ok());
  EXPECT_THAT(Revs(log.WaitFor(5)), ElementsAre(1, 2, 3, 4, 5));
}

TEST_F(StoreTest, SecondOpenOfTheSameFileIsRefused) {
  auto second = OpenSqliteStore(dir_.File("ebb.db"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kUnavailable);
  store_.reset();
  EXPECT_TRUE(OpenSqliteStore(dir_.File("ebb.db")).ok());
}

TEST_F(StoreTest, OpenReportsAnUnusablePath) {
  auto bad = OpenSqliteStore(dir_.File("no/such/dir/ebb.db"));
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), ::testing::HasSubstr("no/such/dir"));
}

TEST(MemoryStore, WorksWithoutAFile) {
  auto store = OpenSqliteStore(":memory:");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Put("/k", "v", kMustNotExist).ok());
  EXPECT_EQ((*store)->List("/")->items.size(), 1u);
}

TEST_F(StoreTest, CompactionDropsSupersededHistoryButKeepsLiveKeys) {
  MustPut("/a", "1", kMustNotExist);                // 1: superseded by 2
  MustPut("/a", "2");                               // 2: live
  MustPut("/b", "1");                               // 3: deleted by 4
  ASSERT_TRUE(store_->Delete("/b", kAnyRev).ok());  // 4: tombstone
  MustPut("/c", "1");                               // 5: live
  MustPut("/c", "2");  // 6: live, 5 superseded but at the compaction point
  ASSERT_TRUE(store_->Compact(5).ok());
  EXPECT_EQ(store_->CompactedRev(), 5);
  EXPECT_EQ(MustGet("/a"), (KV{"/a", "2", 1, 2}));
  EXPECT_EQ(MustGet("/c"), (KV{"/c", "2", 5, 6}));
  EXPECT_FALSE(store_->Get("/b")->has_value());
  EXPECT_THAT(RawQuery("SELECT rev FROM log ORDER BY rev"), ElementsAre("2", "5", "6"));

  EventLog log;
  auto too_old = store_->WatchPrefix("", 4, log.Callbacks());
  ASSERT_FALSE(too_old.ok());
  EXPECT_EQ(too_old.status().code(), Code::kGone);
  auto from_point = store_->WatchPrefix("", 5, log.Callbacks());
  ASSERT_TRUE(from_point.ok());
  EXPECT_THAT(Revs(log.WaitFor(2)), ElementsAre(5, 6));

  EXPECT_EQ(store_->Compact(store_->CurrentRev() + 1).code(), Code::kBadRequest);
  EXPECT_TRUE(store_->Compact(3).ok());  // behind the compaction point: nothing to do
  EXPECT_EQ(store_->CompactedRev(), 5);
  from_point->reset();
  Reopen();
  EXPECT_EQ(store_->CompactedRev(), 5);
  EXPECT_EQ(MustGet("/a").mod_rev, 2);
}

}  // namespace
}  // namespace ebb::store
