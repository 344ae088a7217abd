// Automatic compaction policy for a Store: keep the newest N revisions of history.
//
// The decision is a pure function (RetentionTarget) so it can be tested exhaustively; applying
// it is one call the owner makes from its own timer (e.g. `ebb serve` once a minute). Nothing in
// the store compacts behind the caller's back.
//
// Keeping N revisions means a watch may resume from any of the last N revisions; older
// resourceVersions answer 410 Expired and the client re-lists, as with etcd's compactor.
#pragma once

#include "common/status.h"
#include "store/store.h"

namespace ebb::store {

struct RetentionPolicy {
  Rev keep = 10000;  // revisions of history to retain (at least 1)
  Rev step = 1000;   // compact only once this many revisions are due, so it runs rarely
};

// The revision to compact to under `policy`, or 0 when no compaction is due. Compacting to the
// result keeps revisions [result, current]: exactly `keep` of them.
Rev RetentionTarget(Rev current, Rev compacted, const RetentionPolicy& policy);

// Compacts `store` when RetentionTarget says so. Returns the revision compacted to, or 0.
Result<Rev> ApplyRetention(Store& store, const RetentionPolicy& policy);

}  // namespace ebb::store
