// Thin RAII layer over the SQLite C API, used only by the SQLite store.
//
// Db owns one connection; Stmt owns one prepared statement; Query is one execution of a Stmt
// (bindings, stepping, columns) that resets the statement when it goes out of scope, so no
// statement ever keeps a read snapshot open by accident. Tx is a BEGIN IMMEDIATE transaction that
// rolls back unless committed. Errors come back as Status with SQLite's message:
// SQLITE_BUSY/LOCKED map to kUnavailable, everything else to kInternal.
//
// Thread-safety: none. The owner serialises all use of a Db and its statements (SqliteStore::mu_).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ebb::store {

// Status for SQLite result code `rc` on `db`, with `what` saying which operation failed.
Status SqliteError(sqlite3* db, int rc, std::string_view what);

class Stmt {
 public:
  Stmt() = default;
  sqlite3_stmt* get() const { return stmt_.get(); }

 private:
  friend class Db;
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  explicit Stmt(sqlite3_stmt* s) : stmt_(s) {}
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

class Db {
 public:
  // Opens (creating if needed) the database file at `path` (":memory:" for a private one).
  static Result<Db> Open(const std::string& path);

  // Runs one or more statements that return no rows (schema, pragmas).
  Status Exec(const char* sql);
  // Runs a single-row, single-column query (e.g. "PRAGMA journal_mode=WAL") and returns the text.
  Result<std::string> QueryText(const char* sql);
  // A statement kept for the connection's lifetime.
  Result<Stmt> Prepare(std::string_view sql);
  sqlite3* get() const { return db_.get(); }

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Closer> db_;
};

// One execution of a prepared statement. Bind errors are remembered and reported by Step().
class Query {
 public:
  explicit Query(const Stmt& stmt) : stmt_(stmt.get()) {}
  ~Query();
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  // Parameters are 1-based, as in SQLite. Text and blobs are copied (SQLITE_TRANSIENT).
  Query& Bind(int index, std::int64_t value);
  Query& BindText(int index, std::string_view text);
  Query& BindBlob(int index, std::string_view bytes);

  // True when a row is available, false when the statement is done.
  Result<bool> Step();
  // Steps a statement that returns no rows.
  Status Run();

  // Columns are 0-based, as in SQLite.
  std::int64_t Int(int column) const;
  std::string Text(int column) const;
  std::string Blob(int column) const;

 private:
  sqlite3_stmt* stmt_;
  int bind_rc_ = SQLITE_OK;
};

// BEGIN IMMEDIATE on construction via Begin(); ROLLBACK in the destructor unless Commit() ran.
// IMMEDIATE takes the write lock up front, so the expected-revision check and the append that
// follows it cannot interleave with another writer (even one in another process).
class Tx {
 public:
  struct Stmts {
    Stmt begin, commit, rollback;
  };
  explicit Tx(const Stmts& stmts) : stmts_(stmts) {}
  ~Tx();
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

  Status Begin();
  Status Commit();

 private:
  const Stmts& stmts_;
  bool open_ = false;
};

}  // namespace ebb::store
