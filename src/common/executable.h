// Finding a container's program on this machine, as a shell would: shared by the controller
// (which fails a revision whose executable is missing) and the runtime (which starts it), so
// that both always agree.
#pragma once

#include <string>

namespace ebb {

// `name` under `dir` (ebb's cwd when empty; a relative `dir` is taken from the cwd), as an
// absolute path; an absolute `name` as is.
std::string JoinPath(const std::string& dir, const std::string& name);

// Resolves `program`: a path containing '/' relative to `dir` (the container's workingDir;
// ebb's cwd when empty), a bare name through the colon-separated `path_env` (an empty entry
// means `dir`). The result must be a regular file with execute permission. Returns an
// absolute path, or "" when nothing executable is found.
std::string ResolveExecutable(const std::string& program, const std::string& dir,
                              const std::string& path_env);

// True for names that only mean something to an image registry: a registry host as the first
// of several components ("gcr.io/x/y", "localhost:5000/app"), a tag ("nginx:1.25") or a digest
// ("busybox@sha256:..."). Paths ("./app", "/usr/bin/app", "bin/app") and bare names are not.
bool LooksLikeImageReference(const std::string& image);

}  // namespace ebb
