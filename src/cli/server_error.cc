#include "cli/server_error.h"

#include <map>

#include "cli/json_util.h"

namespace ebb::cli {
namespace {

using nlohmann::json;

bool IsStatus(const json& body) { return Str(body, "kind") == "Status"; }

// One StatusCause as kubectl prints it: "field: message", or just the message.
std::string FormatCause(const json& cause) {
  std::string field = Str(cause, "field");
  std::string message = Str(cause, "message");
  return field.empty() ? message : field + ": " + message;
}

// kubectl rebuilds 422 messages from details (kind, name, causes) rather than `message`.
std::string FormatInvalid(const json& status) {
  const json& details = Child(status, "details");
  std::string kind = Str(details, "kind");
  std::string name = Str(details, "name");
  std::string head = kind.empty() && name.empty() ? std::string("The request is invalid")
                                                  : "The " + kind + " \"" + name + "\" is invalid";
  const json& causes = Array(details, "causes");
  if (causes.empty()) return head + ": " + Str(status, "message");
  if (causes.size() == 1) return head + ": " + FormatCause(causes[0]);
  std::string out = head + ": ";
  for (const json& cause : causes) out += "\n* " + FormatCause(cause);
  return out;
}

std::string DefaultMessage(const ApiResponse& response) {
  if (response.code == 404) return "the server could not find the requested resource";
  std::string body = response.raw;
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
  if (body.empty()) body = "unknown";
  return "an error on the server (\"" + body + "\") has prevented the request from succeeding";
}

}  // namespace

std::string ReasonForHttpCode(int code) {
  static const std::map<int, std::string> kReasons = {{400, "BadRequest"},
                                                      {401, "Unauthorized"},
                                                      {403, "Forbidden"},
                                                      {404, "NotFound"},
                                                      {405, "MethodNotAllowed"},
                                                      {406, "NotAcceptable"},
                                                      {409, "Conflict"},
                                                      {410, "Expired"},
                                                      {415, "UnsupportedMediaType"},
                                                      {422, "Invalid"},
                                                      {429, "TooManyRequests"},
                                                      {500, "InternalError"},
                                                      {503, "ServiceUnavailable"},
                                                      {504, "Timeout"}};
  auto it = kReasons.find(code);
  return it == kReasons.end() ? "InternalError" : it->second;
}

std::string FormatServerError(const ApiResponse& response, std::string_view context) {
  const bool status = IsStatus(response.body);
  std::string message = status ? Str(response.body, "message") : "";
  if (response.code == 401) {
    if (message.empty()) message = "the server has asked for the client to provide credentials";
    return "error: You must be logged in to the server (" + message + ")";
  }
  if (response.code == 422 && status) return FormatInvalid(response.body);
  std::string reason = status ? Str(response.body, "reason") : "";
  if (reason.empty()) reason = ReasonForHttpCode(response.code);
  if (message.empty()) message = DefaultMessage(response);
  std::string prefix = context.empty() ? "" : std::string(context) + ": ";
  return "Error from server (" + reason + "): " + prefix + message;
}

std::string FormatTransportError(const Status& status) {
  if (status.code() == Code::kUnavailable || status.code() == Code::kTimeout) {
    return "Unable to connect to the server: " + status.message();
  }
  return "error: " + status.message();
}

bool CheckResponse(const Result<ApiResponse>& response, std::ostream& err,
                   std::string_view context) {
  if (!response.ok()) {
    err << FormatTransportError(response.status()) << '\n';
    return false;
  }
  if (response->ok()) return true;
  err << FormatServerError(*response, context) << '\n';
  return false;
}

}  // namespace ebb::cli
