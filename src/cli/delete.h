// `ebb delete KIND NAME... | -f FILE|DIR|- [--ignore-not-found]`, as `kubectl delete`:
//   service.serving.knative.dev "hello" deleted
//   Error from server (NotFound): services.serving.knative.dev "nope" not found
//   Error from server (NotFound): error when deleting "svc.yaml": services… "nope" not found
// KIND/NAME arguments ("ksvc/hello") are accepted as well. The server deletes synchronously (and
// cascades through ownerReferences), so there is nothing to wait for afterwards.
#pragma once

#include <string>
#include <vector>

#include "cli/command_context.h"

namespace ebb::cli {

struct DeleteOptions {
  std::vector<std::string> args;   // KIND NAME... or KIND/NAME...
  std::vector<std::string> files;  // -f
  bool ignore_not_found = false;
};

int RunDelete(const DeleteOptions& options, CommandContext& ctx);

}  // namespace ebb::cli
