// Status and Result<T>: the one error type of ebb.
//
// No exceptions cross component boundaries. A Status carries a Code that maps one-to-one onto
// the Kubernetes Status reasons the API server answers with (see HttpCode / Reason), a message
// a person can act on, and for kInvalid the list of fields at fault (details.causes).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace ebb {

enum class Code {
  kOk,
  kBadRequest,        // 400 BadRequest: malformed input (YAML/JSON syntax, bad query)
  kUnauthorized,      // 401 Unauthorized
  kNotFound,          // 404 NotFound
  kMethodNotAllowed,  // 405 MethodNotAllowed
  kAlreadyExists,     // 409 AlreadyExists
  kConflict,          // 409 Conflict: resourceVersion mismatch
  kGone,              // 410 Expired: watch/list from a compacted revision
  kUnsupportedMedia,  // 415 UnsupportedMediaType
  kInvalid,           // 422 Invalid: spec validation failed; see Status::causes()
  kTooManyRequests,   // 429
  kInternal,          // 500 InternalError
  kUnavailable,       // 503 ServiceUnavailable
  kTimeout,           // 504 Timeout
};

// One field at fault, as Kubernetes' StatusCause: reason "FieldValueRequired" etc.
struct FieldError {
  std::string field;   // JSON path as Kubernetes prints it: spec.template.spec.containers[0].image
  std::string reason;  // FieldValueRequired | FieldValueInvalid | FieldValueNotSupported | ...
  std::string message; // "Required value", "must be a DNS-1035 label", ...
  bool operator==(const FieldError&) const = default;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return {}; }
  static Status Invalid(std::string message, std::vector<FieldError> causes) {
    Status s(Code::kInvalid, std::move(message));
    s.causes_ = std::move(causes);
    return s;
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<FieldError>& causes() const { return causes_; }

  // HTTP status code and Kubernetes reason string for this code.
  int HttpCode() const;
  const char* Reason() const;
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::vector<FieldError> causes_;
};

// A value or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: must not be ok
  Result(Code code, std::string message) : v_(Status(code, std::move(message))) {}

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace ebb

// Returns early with the status of a failed expression.
#define EBB_RETURN_IF_ERROR(expr)          \
  do {                                     \
    ::ebb::Status ebb_status_ = (expr);    \
    if (!ebb_status_.ok()) return ebb_status_; \
  } while (0)
