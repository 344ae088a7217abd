// Store: versioned key/value objects with optimistic concurrency and watch.
//
// The one interface that both the embedded SQLite backend (sqlite_store.h) and, later, an etcd
// backend implement (../shared/reference/etcd.md §5). It knows nothing of resource semantics:
// keys are strings such as "/kn/v1/services/default/hello", values are opaque bytes (the JSON
// object without its resourceVersion, which is filled in from mod_rev on read).
//
// Revisions: one store-global counter, strictly increasing, bumped by every write; an object's
// mod_rev is its Kubernetes resourceVersion. Watch from revision N delivers every change with
// rev >= N in revision order, the same meaning as on etcd. History older than the compaction
// point answers Code::kGone (the API's 410 Expired) and the caller re-lists.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ebb::store {

using Rev = std::int64_t;

// `expect` values for Put/Delete besides a concrete mod_rev.
inline constexpr Rev kMustNotExist = 0;  // create: fails with kAlreadyExists if present
inline constexpr Rev kAnyRev = -1;       // unconditional

struct KV {
  std::string key;
  std::string value;
  Rev create_rev = 0;  // revision that created this incarnation of the key
  Rev mod_rev = 0;     // revision of the last write (= resourceVersion)
  bool operator==(const KV&) const = default;
};

struct Event {
  enum class Type { kPut, kDelete };
  Type type = Type::kPut;
  // For kPut: the new value, mod_rev = the event's revision.
  // For kDelete: the last value before deletion, mod_rev = the delete's revision.
  KV kv;
};

struct Page {
  std::vector<KV> items;  // ordered by key
  Rev rev = 0;            // the store revision this snapshot was read at
};

// Live subscription; destroying it cancels delivery (blocking until no callback is running). It may
// be destroyed from inside its own callback: then it returns at once and no further callback runs.
// It may outlive the Store.
class Watch {
 public:
  virtual ~Watch() = default;
};

struct WatchCallbacks {
  // Called in revision order on a store-owned thread. Must not block for long and must not call
  // back into the Store (post to your own executor instead).
  std::function<void(const Event&)> on_event;
  // Called once if the watch can no longer continue (store closed). Optional.
  std::function<void(const Status&)> on_error;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual Result<std::optional<KV>> Get(std::string_view key) = 0;
  // Every live key starting with prefix, ordered by key, and the revision read at.
  virtual Result<Page> List(std::string_view prefix) = 0;
  // Writes key = value if the current mod_rev equals `expect` (kMustNotExist: key absent; kAnyRev:
  // unconditional). Errors: kAlreadyExists (expect 0, key present), kNotFound (expect > 0, key
  // absent), kConflict (mod_rev differs). Returns the new revision.
  virtual Result<Rev> Put(std::string_view key, std::string_view value, Rev expect) = 0;
  // Deletes key if its mod_rev equals `expect` (or kAnyRev). kNotFound if absent, kConflict on
  // mismatch. Returns the delete's revision.
  virtual Result<Rev> Delete(std::string_view key, Rev expect) = 0;
  // Starts a watch on keys with `prefix`, delivering every event with rev >= from (from <= 0: only
  // changes after now; from > CurrentRev(): starts at that future revision). kGone if `from` is
  // older than retained history (from < CompactedRev()). A watch that falls behind a later
  // compaction before it has caught up ends with on_error(kGone).
  virtual Result<std::unique_ptr<Watch>> WatchPrefix(std::string_view prefix, Rev from,
                                                     WatchCallbacks cb) = 0;
  // The newest revision (0 for an empty store).
  virtual Rev CurrentRev() = 0;
  // Drops history of superseded values up to rev (exclusive); watches from before it get kGone.
  // Current values are kept. kBadRequest if rev > CurrentRev(); a no-op if rev <= CompactedRev().
  virtual Status Compact(Rev rev) = 0;
  // Oldest revision a watch may start from: the last Compact's rev (0 if never compacted).
  virtual Rev CompactedRev() = 0;
};

// Opens (creating if needed) the SQLite store at `path` (WAL mode); see sqlite_store.h. One
// process at a time: kUnavailable if the file is already open. ":memory:" gives a private store.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace ebb::store
