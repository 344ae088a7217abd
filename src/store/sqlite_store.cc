#include "store/sqlite_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace ebb::store {
namespace {

constexpr char kMemory[] = ":memory:";

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS log(
  rev INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  value BLOB NOT NULL,
  deleted INTEGER NOT NULL,
  create_rev INTEGER NOT NULL,
  prev_rev INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS current(
  key TEXT PRIMARY KEY,
  rev INTEGER NOT NULL,
  create_rev INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO meta(name, value) VALUES('compact_rev', 0);
)sql";

constexpr char kLiveColumns[] =
    "SELECT c.key, l.value, c.create_rev, c.rev FROM current c JOIN log l ON l.rev = c.rev ";

// The smallest string greater than every string starting with prefix; none if prefix is empty
// or all 0xff bytes (then the range is unbounded above).
std::optional<std::string> PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    auto last = static_cast<unsigned char>(end.back());
    if (last != 0xff) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return std::nullopt;
}

KV ReadKV(const Query& q) { return KV{q.Text(0), q.Blob(1), q.Int(2), q.Int(3)}; }

std::string Quoted(std::string_view key) { return "\"" + std::string(key) + "\""; }

Status Mismatch(std::string_view key, Rev expect, Rev actual) {
  return Status(Code::kConflict, "key " + Quoted(key) + " is at revision " +
                                     std::to_string(actual) + ", expected " +
                                     std::to_string(expect));
}

Status Absent(std::string_view key) {
  return Status(Code::kNotFound, "key " + Quoted(key) + " not found");
}

// Durability choice: WAL with synchronous=NORMAL makes every committed transaction survive a
// crash or SIGKILL of this process (the WAL is written before COMMIT returns; only the fsync is
// deferred to checkpoints). A power loss can drop the last few commits but never corrupts the
// file. That is the promise ebb makes: the process may die at any moment, the machine is assumed
// not to. busy_timeout covers a stray second connection (e.g. the sqlite3 CLI) holding a lock.
Status Configure(Db& db, bool in_memory) {
  EBB_RETURN_IF_ERROR(db.Exec("PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL;"));
  auto mode = db.QueryText("PRAGMA journal_mode=WAL");
  if (!mode.ok()) return mode.status();
  if (*mode != (in_memory ? "memory" : "wal")) {
    return Status(Code::kInternal, "sqlite: cannot enable WAL mode (journal_mode=" + *mode + ")");
  }
  return db.Exec(kSchema);
}

}  // namespace

struct SqliteStore::Stmts {
  Tx::Stmts tx;
  Stmt get, list_range, list_from, find, append, tombstone, set_current, del_current;
  Stmt read_log, compact, set_compacted, counters;

  Status Prepare(Db& db) {
    const std::string live = kLiveColumns;
    std::pair<Stmt*, std::string> all[] = {
        {&tx.begin, "BEGIN IMMEDIATE"},
        {&tx.commit, "COMMIT"},
        {&tx.rollback, "ROLLBACK"},
        {&get, live + "WHERE c.key = ?1"},
        {&list_range, live + "WHERE c.key >= ?1 AND c.key < ?2 ORDER BY c.key"},
        {&list_from, live + "WHERE c.key >= ?1 ORDER BY c.key"},
        {&find, "SELECT rev, create_rev FROM current WHERE key = ?1"},
        {&append,
         "INSERT INTO log(rev, key, value, deleted, create_rev, prev_rev) "
         "VALUES(?1, ?2, ?3, 0, ?4, ?5)"},
        {&tombstone,
         "INSERT INTO log(rev, key, value, deleted, create_rev, prev_rev) "
         "SELECT ?1, key, value, 1, create_rev, rev FROM log WHERE rev = ?2"},
        {&set_current, "INSERT OR REPLACE INTO current(key, rev, create_rev) VALUES(?1, ?2, ?3)"},
        {&del_current, "DELETE FROM current WHERE key = ?1"},
        {&read_log,
         "SELECT rev, key, value, deleted, create_rev FROM log "
         "WHERE rev >= ?1 ORDER BY rev LIMIT ?2"},
        // Superseded rows and tombstones: everything below rev that is not a live key's row.
        {&compact, "DELETE FROM log WHERE rev < ?1 AND rev NOT IN (SELECT rev FROM current)"},
        {&set_compacted, "UPDATE meta SET value = ?1 WHERE name = 'compact_rev'"},
        {&counters,
         "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'log'), 0), "
         "(SELECT value FROM meta WHERE name = 'compact_rev')"},
    };
    for (auto& [stmt, sql] : all) {
      auto prepared = db.Prepare(sql);
      if (!prepared.ok()) return prepared.status();
      *stmt = std::move(*prepared);
    }
    return Status::Ok();
  }
};

SqliteStore::FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);
}

Result<SqliteStore::FileLock> SqliteStore::LockFile(const std::string& path) {
  if (path == kMemory) return FileLock();  // private to this connection: nothing to lock
  std::string lock_path = path + ".lock";
  // O_CLOEXEC: app processes spawned by ebb must never inherit (and so keep) the lock.
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status(Code::kInternal, "open " + lock_path + ": " + std::strerror(errno));
  }
  FileLock lock(fd);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    return Status(Code::kUnavailable,
                  "store " + path + " is in use by another process (" + std::strerror(errno) + ")");
  }
  return lock;
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path) {
  auto lock = LockFile(path);
  if (!lock.ok()) return lock.status();
  auto db = Db::Open(path);
  if (!db.ok()) return db.status();
  EBB_RETURN_IF_ERROR(Configure(*db, path == kMemory));
  auto stmts = std::make_unique<Stmts>();
  EBB_RETURN_IF_ERROR(stmts->Prepare(*db));
  std::unique_ptr<SqliteStore> store(
      new SqliteStore(std::move(*lock), std::move(*db), std::move(stmts)));
  EBB_RETURN_IF_ERROR(store->LoadCountersLocked());
  SqliteStore* self = store.get();  // the hub is stopped in ~SqliteStore, before self dies
  store->hub_ = std::make_shared<WatchHub>([self](Rev from) { return self->ReadLog(from); },
                                           store->current_rev_);
  return store;
}

SqliteStore::SqliteStore(FileLock lock, Db db, std::unique_ptr<Stmts> stmts)
    : lock_(std::move(lock)), db_(std::move(db)), stmts_(std::move(stmts)) {}

SqliteStore::~SqliteStore() {
  if (hub_) hub_->Stop(Status(Code::kUnavailable, "store closed"));
}

// Called before the store is shared, so the lock is not needed yet.
Status SqliteStore::LoadCountersLocked() {
  Query q(stmts_->counters);
  auto row = q.Step();
  if (!row.ok()) return row.status();
  current_rev_ = q.Int(0);
  compacted_rev_ = q.Int(1);
  return Status::Ok();
}

Result<std::optional<KV>> SqliteStore::Get(std::string_view key) {
  std::lock_guard lock(mu_);
  Query q(stmts_->get);
  q.BindText(1, key);
  auto row = q.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<KV>();
  return std::optional<KV>(ReadKV(q));
}

Result<Page> SqliteStore::List(std::string_view prefix) {
  std::lock_guard lock(mu_);
  std::optional<std::string> end = PrefixEnd(prefix);
  Query q(end ? stmts_->list_range : stmts_->list_from);
  q.BindText(1, prefix);
  if (end) q.BindText(2, *end);
  Page page;
  page.rev = current_rev_;  // writers hold mu_, so nothing commits during this read
  while (true) {
    auto row = q.Step();
    if (!row.ok()) return row.status();
    if (!*row) return page;
    page.items.push_back(ReadKV(q));
  }
}

Result<Rev> SqliteStore::Put(std::string_view key, std::string_view value, Rev expect) {
  if (expect < kAnyRev) {
    return Status(Code::kBadRequest, "invalid expected revision " + std::to_string(expect));
  }
  return WriteTx([&](Rev rev) { return AppendLocked(key, value, expect, rev); });
}

Result<Rev> SqliteStore::Delete(std::string_view key, Rev expect) {
  return WriteTx([&](Rev rev) { return TombstoneLocked(key, expect, rev); });
}

// Runs append(new_rev) in one BEGIN IMMEDIATE transaction; on commit, publishes the revision to
// the watch hub while still holding mu_, so the hub sees revisions in commit order.
template <typename Fn>
Result<Rev> SqliteStore::WriteTx(Fn&& append) {
  std::lock_guard lock(mu_);
  Tx tx(stmts_->tx);
  EBB_RETURN_IF_ERROR(tx.Begin());
  // mu_ and the file lock make this process the only writer, so the counter is exact.
  Rev rev = current_rev_ + 1;
  EBB_RETURN_IF_ERROR(append(rev));
  EBB_RETURN_IF_ERROR(tx.Commit());
  current_rev_ = rev;
  hub_->Committed(rev);
  return rev;
}

Result<std::optional<SqliteStore::Current>> SqliteStore::FindLocked(std::string_view key) {
  Query q(stmts_->find);
  q.BindText(1, key);
  auto row = q.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<Current>();
  return std::optional<Current>(Current{q.Int(0), q.Int(1)});
}

Status SqliteStore::AppendLocked(std::string_view key, std::string_view value, Rev expect,
                                 Rev rev) {
  auto cur = FindLocked(key);
  if (!cur.ok()) return cur.status();
  if (expect == kMustNotExist && *cur) {
    return Status(Code::kAlreadyExists, "key " + Quoted(key) + " already exists");
  }
  if (expect > 0 && !*cur) return Absent(key);
  if (expect > 0 && (*cur)->mod_rev != expect) return Mismatch(key, expect, (*cur)->mod_rev);
  Rev create_rev = *cur ? (*cur)->create_rev : rev;
  Rev prev_rev = *cur ? (*cur)->mod_rev : 0;
  Query append(stmts_->append);
  append.Bind(1, rev).BindText(2, key).BindBlob(3, value).Bind(4, create_rev).Bind(5, prev_rev);
  EBB_RETURN_IF_ERROR(append.Run());
  Query set(stmts_->set_current);
  set.BindText(1, key).Bind(2, rev).Bind(3, create_rev);
  return set.Run();
}

Status SqliteStore::TombstoneLocked(std::string_view key, Rev expect, Rev rev) {
  auto cur = FindLocked(key);
  if (!cur.ok()) return cur.status();
  if (!*cur) return Absent(key);
  if (expect != kAnyRev && (*cur)->mod_rev != expect) {
    return Mismatch(key, expect, (*cur)->mod_rev);
  }
  Query tombstone(stmts_->tombstone);
  tombstone.Bind(1, rev).Bind(2, (*cur)->mod_rev);
  EBB_RETURN_IF_ERROR(tombstone.Run());
  Query del(stmts_->del_current);
  del.BindText(1, key);
  return del.Run();
}

Result<std::unique_ptr<Watch>> SqliteStore::WatchPrefix(std::string_view prefix, Rev from,
                                                        WatchCallbacks cb) {
  // Under mu_: no write or compaction can slip between this check and the registration.
  std::lock_guard lock(mu_);
  if (from > 0 && from < compacted_rev_) {
    return Status(Code::kGone, "required revision " + std::to_string(from) +
                                   " has been compacted (oldest available: " +
                                   std::to_string(compacted_rev_) + ")");
  }
  Rev next = from > 0 ? from : current_rev_ + 1;
  return WatchHub::Add(hub_, std::string(prefix), next, std::move(cb));
}

Rev SqliteStore::CurrentRev() {
  std::lock_guard lock(mu_);
  return current_rev_;
}

Rev SqliteStore::CompactedRev() {
  std::lock_guard lock(mu_);
  return compacted_rev_;
}

Status SqliteStore::Compact(Rev rev) {
  std::lock_guard lock(mu_);
  if (rev > current_rev_) {
    return Status(Code::kBadRequest, "cannot compact to future revision " + std::to_string(rev) +
                                         " (current " + std::to_string(current_rev_) + ")");
  }
  if (rev <= compacted_rev_) return Status::Ok();  // already compacted at least this far
  Tx tx(stmts_->tx);
  EBB_RETURN_IF_ERROR(tx.Begin());
  EBB_RETURN_IF_ERROR(CompactLocked(rev));
  EBB_RETURN_IF_ERROR(tx.Commit());
  compacted_rev_ = rev;
  return Status::Ok();
}

Status SqliteStore::CompactLocked(Rev rev) {
  Query del(stmts_->compact);
  del.Bind(1, rev);
  EBB_RETURN_IF_ERROR(del.Run());
  Query mark(stmts_->set_compacted);
  mark.Bind(1, rev);
  return mark.Run();
}

// The dispatcher's view of the log. Reading under mu_ makes `compacted` and `upto` consistent
// with the rows: no row below `compacted` is missing unless it was superseded.
Result<LogBatch> SqliteStore::ReadLog(Rev from) {
  std::lock_guard lock(mu_);
  LogBatch batch;
  batch.compacted = compacted_rev_;
  Query q(stmts_->read_log);
  q.Bind(1, from).Bind(2, kLogBatchRows);
  while (true) {
    auto row = q.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    batch.rows.push_back(LogRow{q.Int(0), q.Text(1), q.Blob(2), q.Int(3) != 0, q.Int(4)});
  }
  bool full = batch.rows.size() == static_cast<size_t>(kLogBatchRows);
  batch.upto = full ? batch.rows.back().rev : current_rev_;
  return batch;
}

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  auto store = SqliteStore::Open(path);
  if (!store.ok()) return store.status();
  return std::unique_ptr<Store>(std::move(*store));
}

}  // namespace ebb::store
