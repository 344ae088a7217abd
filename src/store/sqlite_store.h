// SqliteStore: the embedded, single-process Store backend (kine-style change log in SQLite).
//
// Schema (one file, WAL mode):
//   log(rev INTEGER PRIMARY KEY AUTOINCREMENT, key, value, deleted, create_rev, prev_rev)
//       append-only; a row's rev is the store revision of that write. A delete appends a
//       tombstone carrying the last value, so watchers see what was deleted.
//   current(key PRIMARY KEY, rev, create_rev)   the latest row of every live key (same transaction)
//   meta(name PRIMARY KEY, value)               compact_rev
// AUTOINCREMENT never reuses a revision, even after compaction has deleted rows, and its
// sqlite_sequence entry carries the counter across restarts.
//
// Every write is one BEGIN IMMEDIATE transaction: check the expected mod_rev against `current`,
// append to `log`, update `current`. After it commits, the WatchHub is told, and its dispatcher
// thread reads the new rows and delivers them (see watch_hub.h).
//
// One process owns a store file at a time: Open takes an exclusive flock on "<path>.lock" and
// fails with kUnavailable if another process (or another open in this one) holds it, because
// watches only see writes made through this object. ":memory:" opens a private in-memory store
// (no lock, no WAL) for tests.
//
// Thread-safety: all methods may be called from any thread; one mutex serialises database access.
// Do not destroy the store from inside a watch callback (it joins the dispatcher thread).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "store/sqlite_db.h"
#include "store/store.h"
#include "store/watch_hub.h"

namespace ebb::store {

class SqliteStore final : public Store {
 public:
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);
  ~SqliteStore() override;

  Result<std::optional<KV>> Get(std::string_view key) override;
  Result<Page> List(std::string_view prefix) override;
  Result<Rev> Put(std::string_view key, std::string_view value, Rev expect) override;
  Result<Rev> Delete(std::string_view key, Rev expect) override;
  Result<std::unique_ptr<Watch>> WatchPrefix(std::string_view prefix, Rev from,
                                             WatchCallbacks cb) override;
  Rev CurrentRev() override;
  Status Compact(Rev rev) override;
  Rev CompactedRev() override;

  // Rows read per dispatcher pass (bounds memory while a watch replays a long history).
  static constexpr int kLogBatchRows = 512;

 private:
  struct Stmts;
  // An exclusive flock on "<path>.lock", released when closed (also by the kernel on kill -9).
  class FileLock {
   public:
    explicit FileLock(int fd = -1) : fd_(fd) {}
    FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    FileLock& operator=(FileLock&&) = delete;
    ~FileLock();

   private:
    int fd_;
  };
  // The live row of `key` (under mu_).
  struct Current {
    Rev mod_rev = 0;
    Rev create_rev = 0;
  };

  SqliteStore(FileLock lock, Db db, std::unique_ptr<Stmts> stmts);
  static Result<FileLock> LockFile(const std::string& path);
  template <typename Fn>
  Result<Rev> WriteTx(Fn&& append);
  Status LoadCountersLocked();
  Result<std::optional<Current>> FindLocked(std::string_view key);
  // Inside a write transaction: check `expect` and append the row for revision `rev`.
  Status AppendLocked(std::string_view key, std::string_view value, Rev expect, Rev rev);
  Status TombstoneLocked(std::string_view key, Rev expect, Rev rev);
  Status CompactLocked(Rev rev);
  Result<LogBatch> ReadLog(Rev from);

  FileLock lock_;  // first member: released after the database is closed
  std::mutex mu_;  // guards db_, stmts_ and the counters below
  Db db_;
  std::unique_ptr<Stmts> stmts_;
  Rev current_rev_ = 0;            // guarded by mu_: newest committed revision
  Rev compacted_rev_ = 0;          // guarded by mu_: 0 until the first Compact
  std::shared_ptr<WatchHub> hub_;  // created last, stopped first
};

}  // namespace ebb::store
