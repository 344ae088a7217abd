#include "runtime/launch.h"

#include "common/executable.h"

namespace ebb::runtime {
namespace {

using json = nlohmann::json;

// What a shell uses when the environment has no PATH.
constexpr char kDefaultPath[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const json& Child(const json& obj, const char* key) {
  static const json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

std::string Str(const json& obj, const char* key, const std::string& fallback = "") {
  const json& v = Child(obj, key);
  return v.is_string() ? v.get<std::string>() : fallback;
}

int Int(const json& obj, const char* key, int fallback) {
  const json& v = Child(obj, key);
  return v.is_number_integer() ? v.get<int>() : fallback;
}

std::vector<std::string> Strings(const json& obj, const char* key) {
  std::vector<std::string> out;
  for (const json& v : Child(obj, key)) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

EnvList NameValues(const json& list) {
  EnvList out;
  for (const json& v : list) out.emplace_back(Str(v, "name"), Str(v, "value"));
  return out;
}

Probe ParseProbe(const json& p) {
  Probe probe;
  if (const json& http = Child(p, "httpGet"); http.is_object()) {
    probe.kind = Probe::Kind::kHttp;
    probe.path = Str(http, "path", "/");
    if (probe.path.empty() || probe.path[0] != '/') probe.path = "/" + probe.path;
    probe.headers = NameValues(Child(http, "httpHeaders"));
  } else if (const json& exec = Child(p, "exec"); exec.is_object()) {
    probe.kind = Probe::Kind::kExec;
    probe.command = Strings(exec, "command");
  }
  probe.initial_delay_seconds = Int(p, "initialDelaySeconds", 0);
  probe.period_seconds = Int(p, "periodSeconds", 0);
  probe.timeout_seconds = Int(p, "timeoutSeconds", 0);
  probe.success_threshold = std::max(1, Int(p, "successThreshold", 1));
  probe.failure_threshold = std::max(1, Int(p, "failureThreshold", 3));
  if (probe.kind == Probe::Kind::kExec && probe.command.empty()) probe.kind = Probe::Kind::kTcp;
  return probe;
}

const json& ServingContainer(const json& containers) {
  for (const json& c : containers) {
    if (Child(c, "ports").is_array() && !Child(c, "ports").empty()) return c;
  }
  return containers.front();
}

Status ParseContainer(const json& c, RevisionTemplate& t) {
  t.container_name = Str(c, "name", "user-container");
  t.image = Str(c, "image");
  t.command = Strings(c, "command");
  t.args = Strings(c, "args");
  t.working_dir = Str(c, "workingDir");
  int i = 0;
  for (const json& e : Child(c, "env")) {
    if (e.contains("valueFrom")) {
      return Status::Invalid("env valueFrom is not supported by ebb",
                             {{"spec.containers.env[" + std::to_string(i) + "].valueFrom",
                               "FieldValueNotSupported", "ebb runs local processes"}});
    }
    t.env.emplace_back(Str(e, "name"), Str(e, "value"));
    ++i;
  }
  if (const json& r = Child(c, "readinessProbe"); r.is_object()) t.readiness = ParseProbe(r);
  if (const json& l = Child(c, "livenessProbe"); l.is_object()) t.liveness = ParseProbe(l);
  return Status::Ok();
}

Result<RevisionTemplate> ParseChecked(const json& rev) {
  const json& meta = Child(rev, "metadata");
  const json& containers = Child(Child(rev, "spec"), "containers");
  RevisionTemplate t;
  t.revision = Str(meta, "name");
  if (t.revision.empty()) return Status(Code::kInvalid, "revision has no metadata.name");
  if (!containers.is_array() || containers.empty()) {
    return Status(Code::kInvalid, "revision " + t.revision + " has no containers");
  }
  t.namespace_name = Str(meta, "namespace", "default");
  t.revision_uid = Str(meta, "uid");
  t.service = Str(Child(meta, "labels"), "serving.knative.dev/service");
  t.configuration = Str(Child(meta, "labels"), "serving.knative.dev/configuration");
  t.socket_activation = Str(Child(meta, "annotations"), kSocketActivationAnnotation) == "true";
  int timeout = Int(Child(rev, "spec"), "timeoutSeconds", 0);
  t.timeout = std::chrono::seconds(timeout > 0 ? timeout : 300);
  EBB_RETURN_IF_ERROR(ParseContainer(ServingContainer(containers), t));
  return t;
}

void SetVar(EnvList& env, const std::string& name, const std::string& value) {
  for (auto& [n, v] : env) {
    if (n == name) {
      v = value;
      return;
    }
  }
  env.emplace_back(name, value);
}

const std::string* FindVar(const EnvList& env, const std::string& name) {
  for (const auto& [n, v] : env) {
    if (n == name) return &v;
  }
  return nullptr;
}

EnvList ParseEnv(const std::vector<std::string>& entries) {
  EnvList env;
  for (const std::string& e : entries) {
    std::size_t eq = e.find('=');
    if (eq != std::string::npos) SetVar(env, e.substr(0, eq), e.substr(eq + 1));
  }
  return env;
}

std::string MissingMessage(const std::string& program, bool from_image) {
  if (from_image && LooksLikeImageReference(program)) {
    return "image \"" + program +
           "\" is an OCI image reference, and ebb runs local executables: give the path of an "
           "executable as image, or set command";
  }
  return std::string(from_image ? "image" : "command") + " \"" + program +
         "\" is not an executable file on this machine";
}

Result<LaunchPlan> Plan(const RevisionTemplate& t, std::vector<std::string> words,
                        std::vector<std::string> env, bool from_image) {
  EnvList vars = ParseEnv(env);
  for (std::string& w : words) w = ExpandVars(w, vars);
  const std::string* path_env = FindVar(vars, "PATH");
  LaunchPlan plan;
  plan.cwd = t.working_dir.empty() ? "" : JoinPath("", t.working_dir);
  plan.path = ResolveExecutable(words[0], plan.cwd, path_env ? *path_env : kDefaultPath);
  if (plan.path.empty()) return Status(Code::kNotFound, MissingMessage(words[0], from_image));
  plan.argv = std::move(words);
  plan.env = std::move(env);
  return plan;
}

}  // namespace

Result<RevisionTemplate> ParseRevision(const nlohmann::json& revision) {
  try {
    return ParseChecked(revision);
  } catch (const json::exception& e) {  // a field of an unexpected type
    return Status(Code::kInvalid, std::string("revision: ") + e.what());
  }
}

std::vector<std::string> InstanceEnvironment(const RevisionTemplate& t, const InstanceEnv& instance,
                                             const std::vector<std::string>& base) {
  EnvList reserved = {{"PORT", std::to_string(instance.port)},
                      {"K_SERVICE", t.service},
                      {"K_CONFIGURATION", t.configuration},
                      {"K_REVISION", t.revision}};
  if (!instance.notify_socket.empty())
    reserved.emplace_back("NOTIFY_SOCKET", instance.notify_socket);
  EnvList env = ParseEnv(base);
  EnvList visible = reserved;  // what $(NAME) in a container env value may reference
  for (const auto& [name, value] : t.env) {
    std::string expanded = ExpandVars(value, visible);
    SetVar(visible, name, expanded);
    SetVar(env, name, expanded);
  }
  for (const auto& [name, value] : reserved) SetVar(env, name, value);
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [name, value] : env) out.push_back(name + "=" + value);
  return out;
}

Result<LaunchPlan> PlanLaunch(const RevisionTemplate& t, const InstanceEnv& instance,
                              const std::vector<std::string>& base) {
  bool from_image = t.command.empty();
  std::vector<std::string> words = from_image ? std::vector<std::string>{t.image} : t.command;
  if (words[0].empty())
    return Status(Code::kNotFound, "the container has neither image nor command");
  words.insert(words.end(), t.args.begin(), t.args.end());
  return Plan(t, std::move(words), InstanceEnvironment(t, instance, base), from_image);
}

Result<LaunchPlan> PlanExec(const RevisionTemplate& t, const InstanceEnv& instance,
                            const std::vector<std::string>& base,
                            const std::vector<std::string>& command) {
  if (command.empty() || command[0].empty()) return Status(Code::kInvalid, "empty exec probe");
  return Plan(t, command, InstanceEnvironment(t, instance, base), false);
}

std::string ExpandVars(const std::string& text, const EnvList& vars) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 == text.size()) {
      out += text[i];
    } else if (text[i + 1] == '$') {
      out += '$';
      ++i;
    } else if (std::size_t close = text.find(')', i);
               text[i + 1] == '(' && close != std::string::npos) {
      const std::string* value = FindVar(vars, text.substr(i + 2, close - i - 2));
      out += value ? *value : text.substr(i, close - i + 1);
      i = close;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace ebb::runtime
