// Helpers shared by the store's tests: a temporary directory, a thread-safe event recorder and
// a fixture with an open store.
// Test-only; nothing outside *_test.cc includes this.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace ebb::store::test {

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ebb-store-XXXXXX").string();
    path_ = mkdtemp(tmpl.data()) != nullptr ? tmpl : "";
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Records what a watch delivers; tests wait on a condition (with a generous deadline) instead of
// sleeping, because delivery is asynchronous.
class EventLog {
 public:
  WatchCallbacks Callbacks() {
    WatchCallbacks cb;
    cb.on_event = [this](const Event& ev) {
      std::lock_guard lock(mu_);
      events_.push_back(ev);
      cv_.notify_all();
    };
    cb.on_error = [this](const Status& st) {
      std::lock_guard lock(mu_);
      error_ = st;
      cv_.notify_all();
    };
    return cb;
  }

  // Waits until at least n events arrived (or the deadline passed) and returns all of them.
  std::vector<Event> WaitFor(size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, kDeadline, [&] { return events_.size() >= n; });
    return events_;
  }
  // Waits for on_error; nullopt if it did not come before the deadline.
  std::optional<Status> WaitForError() {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, kDeadline, [&] { return error_.has_value(); });
    return error_;
  }
  std::vector<Event> Events() {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  static constexpr std::chrono::seconds kDeadline{10};
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> events_;
  std::optional<Status> error_;
};

// Opens a file-backed store in a fresh directory; Reopen() closes and opens it again.
class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    auto opened = OpenSqliteStore(dir_.File("ebb.db"));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
  }

  Rev MustPut(const std::string& key, const std::string& value, Rev expect = kAnyRev) {
    auto rev = store_->Put(key, value, expect);
    EXPECT_TRUE(rev.ok()) << rev.status().ToString();
    return rev.ok() ? *rev : -1;
  }

  KV MustGet(const std::string& key) {
    auto kv = store_->Get(key);
    EXPECT_TRUE(kv.ok() && kv->has_value()) << key;
    return kv.ok() && kv->has_value() ? **kv : KV{};
  }

  // Runs `sql` through a second, read-only connection and returns the first column of each row.
  std::vector<std::string> RawQuery(const char* sql) {
    sqlite3* db = nullptr;
    std::vector<std::string> rows;
    if (sqlite3_open_v2(dir_.File("ebb.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
        SQLITE_OK) {
      sqlite3_stmt* stmt = nullptr;
      sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
      while (sqlite3_step(stmt) == SQLITE_ROW) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        rows.emplace_back(text != nullptr ? text : "");
      }
      sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return rows;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

// The revisions of a list of events, for compact assertions.
inline std::vector<Rev> Revs(const std::vector<Event>& events) {
  std::vector<Rev> revs;
  for (const Event& ev : events) revs.push_back(ev.kv.mod_rev);
  return revs;
}

}  // namespace ebb::store::test
