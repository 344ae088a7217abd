#include "store/retention.h"

#include <algorithm>

namespace ebb::store {

Rev RetentionTarget(Rev current, Rev compacted, const RetentionPolicy& policy) {
  Rev keep = std::max<Rev>(policy.keep, 1);
  Rev step = std::max<Rev>(policy.step, 1);
  Rev target = current - keep + 1;
  // Revisions start at 1, so "nothing compacted" (0) and 1 retain the same history.
  Rev floor = std::max<Rev>(compacted, 1);
  return target - floor >= step ? target : 0;
}

Result<Rev> ApplyRetention(Store& store, const RetentionPolicy& policy) {
  Rev target = RetentionTarget(store.CurrentRev(), store.CompactedRev(), policy);
  if (target == 0) return Rev{0};
  EBB_RETURN_IF_ERROR(store.Compact(target));
  return target;
}

}  // namespace ebb::store
