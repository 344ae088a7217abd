#include "store/sqlite_db.h"

namespace ebb::store {

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  int primary = rc & 0xff;
  // BUSY/LOCKED mean another writer held the database past busy_timeout: retrying can succeed.
  Code code =
      primary == SQLITE_BUSY || primary == SQLITE_LOCKED ? Code::kUnavailable : Code::kInternal;
  return Status(code, "sqlite: " + std::string(what) + ": " + detail);
}

Result<Db> Db::Open(const std::string& path) {
  sqlite3* raw = nullptr;
  // NOMUTEX: the owner serialises access, so SQLite's own per-call mutex is pure overhead.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db;
  db.db_.reset(raw);  // sqlite3_open_v2 returns a handle to close even on failure
  if (rc != SQLITE_OK) return SqliteError(raw, rc, "open " + path);
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

Status Db::Exec(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string message = err != nullptr ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  Code code = (rc & 0xff) == SQLITE_BUSY ? Code::kUnavailable : Code::kInternal;
  return Status(code, "sqlite: " + message);
}

Result<std::string> Db::QueryText(const char* sql) {
  auto stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Query q(*stmt);
  auto row = q.Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status(Code::kInternal, std::string("sqlite: no result for ") + sql);
  return q.Text(0);
}

Result<Stmt> Db::Prepare(std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_.get(), rc, "prepare " + std::string(sql));
  return Stmt(raw);
}

Query::~Query() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Query& Query::Bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Query& Query::BindText(int index, std::string_view text) {
  int rc =
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Query& Query::BindBlob(int index, std::string_view bytes) {
  // A zero-length blob with a null pointer would bind NULL; "" keeps it an empty blob.
  const char* data = bytes.empty() ? "" : bytes.data();
  int rc = sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_TRANSIENT);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Result<bool> Query::Step() {
  sqlite3* db = sqlite3_db_handle(stmt_);
  if (bind_rc_ != SQLITE_OK) return SqliteError(db, bind_rc_, "bind");
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db, rc, sqlite3_sql(stmt_));
}

Status Query::Run() {
  auto row = Step();
  return row.ok() ? Status::Ok() : row.status();
}

std::int64_t Query::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Query::Text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return p == nullptr ? std::string() : std::string(p, sqlite3_column_bytes(stmt_, column));
}

std::string Query::Blob(int column) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  return p == nullptr ? std::string() : std::string(p, sqlite3_column_bytes(stmt_, column));
}

Tx::~Tx() {
  if (open_) (void)Query(stmts_.rollback).Run();
}

Status Tx::Begin() {
  EBB_RETURN_IF_ERROR(Query(stmts_.begin).Run());
  open_ = true;
  return Status::Ok();
}

Status Tx::Commit() {
  Status st = Query(stmts_.commit).Run();
  // A failed COMMIT may leave the transaction open (e.g. SQLITE_BUSY); the destructor rolls back.
  if (st.ok()) open_ = false;
  return st;
}

}  // namespace ebb::store
