// The descriptor limit of a server: thousands of connections need as many descriptors, while
// the default soft RLIMIT_NOFILE is often 1024.
#pragma once

#include <sys/resource.h>

#include <optional>

namespace ebb {

// Raises the soft RLIMIT_NOFILE to the hard one. Returns the limit as it was when it was
// raised (so that children can be given it back), nullopt when it already was at the hard
// limit or cannot be read or changed.
std::optional<rlimit> RaiseFileLimit();

}  // namespace ebb
