// Label and field selectors with Kubernetes' syntax, so that `kubectl get -l ...` and
// `--field-selector` mean here what they mean on a cluster.
#include "api/selector.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "api/naming.h"

namespace ebb::api {

// Tokens of the label selector language.
enum class Token { kIdent, kEq, kNotEq, kIn, kNotIn, kBang, kOpen, kClose, kComma, kEnd };

class LabelSelectorParser {
 public:
  explicit LabelSelectorParser(std::string_view text) : text_(text) { Advance(); }

  Result<LabelSelector> Parse() {
    LabelSelector sel;
    while (tok_ != Token::kEnd) {
      LabelSelector::Requirement req;
      EBB_RETURN_IF_ERROR(ParseRequirement(&req));
      sel.reqs_.push_back(std::move(req));
      if (tok_ == Token::kComma) {
        Advance();
        if (tok_ == Token::kEnd) return Error("a requirement must follow ','");
      } else if (tok_ != Token::kEnd) {
        return Error("expected ',' or the end after a requirement, found " + Describe());
      }
    }
    return sel;
  }

 private:
  using Op = LabelSelector::Op;

  static bool IsSpecial(char c) {
    return c == ' ' || c == '\t' || c == ',' || c == '=' || c == '!' || c == '(' || c == ')';
  }

  // Reads the next token into tok_ / ident_.
  void Advance() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
    ident_.clear();
    if (pos_ >= text_.size()) {
      tok_ = Token::kEnd;
      return;
    }
    std::string_view rest = text_.substr(pos_);
    if (rest.starts_with("==") || rest.starts_with("!=")) {
      tok_ = rest[0] == '=' ? Token::kEq : Token::kNotEq;
      pos_ += 2;
      return;
    }
    if (ReadPunctuation(rest[0])) return;
    size_t start = pos_;
    while (pos_ < text_.size() && !IsSpecial(text_[pos_])) ++pos_;
    ident_ = std::string(text_.substr(start, pos_ - start));
    tok_ = ident_ == "in" ? Token::kIn : ident_ == "notin" ? Token::kNotIn : Token::kIdent;
  }

  bool ReadPunctuation(char c) {
    switch (c) {
      case '=':
        tok_ = Token::kEq;
        break;
      case '!':
        tok_ = Token::kBang;
        break;
      case '(':
        tok_ = Token::kOpen;
        break;
      case ')':
        tok_ = Token::kClose;
        break;
      case ',':
        tok_ = Token::kComma;
        break;
      default:
        return false;
    }
    ++pos_;
    return true;
  }

  std::string Describe() const {
    switch (tok_) {
      case Token::kIdent:
        return "'" + ident_ + "'";
      case Token::kEnd:
        return "the end";
      default:
        return "'" + std::string(text_.substr(pos_ - 1, 1)) + "'";
    }
  }

  Status Error(const std::string& why) const {
    return Status(Code::kBadRequest,
                  "unable to parse label selector \"" + std::string(text_) + "\": " + why);
  }

  Status ParseRequirement(LabelSelector::Requirement* req) {
    if (tok_ == Token::kBang) {
      Advance();
      EBB_RETURN_IF_ERROR(ParseKey(req));
      req->op = Op::kNotExists;
      return Status::Ok();
    }
    EBB_RETURN_IF_ERROR(ParseKey(req));
    switch (tok_) {
      case Token::kEnd:
      case Token::kComma:
        req->op = Op::kExists;
        return Status::Ok();
      case Token::kEq:
      case Token::kNotEq:
        return ParseEquality(req);
      case Token::kIn:
      case Token::kNotIn:
        return ParseSet(req);
      default:
        return Error("expected an operator after key \"" + req->key + "\", found " + Describe());
    }
  }

  Status ParseKey(LabelSelector::Requirement* req) {
    if (tok_ != Token::kIdent) return Error("expected a label key, found " + Describe());
    if (std::string why = QualifiedNameError(ident_); !why.empty()) {
      return Error("invalid label key \"" + ident_ + "\": " + why);
    }
    req->key = ident_;
    Advance();
    return Status::Ok();
  }

  Status ParseEquality(LabelSelector::Requirement* req) {
    req->op = tok_ == Token::kEq ? Op::kEq : Op::kNotEq;
    Advance();
    std::string value;
    if (tok_ == Token::kIdent) {
      value = ident_;
      Advance();
    } else if (tok_ != Token::kComma && tok_ != Token::kEnd) {
      return Error("expected a value for key \"" + req->key + "\", found " + Describe());
    }
    EBB_RETURN_IF_ERROR(CheckValue(value));
    req->values.push_back(std::move(value));
    return Status::Ok();
  }

  // "in (a, b)" / "notin (a, b)"; an empty value between commas is the empty label value.
  Status ParseSet(LabelSelector::Requirement* req) {
    req->op = tok_ == Token::kIn ? Op::kIn : Op::kNotIn;
    Advance();
    if (tok_ != Token::kOpen) return Error("expected '(' after in/notin, found " + Describe());
    Advance();
    if (tok_ == Token::kClose) return Error("the set of values for in/notin must not be empty");
    for (;;) {
      std::string value;
      if (tok_ == Token::kIdent) {
        value = ident_;
        Advance();
      }
      EBB_RETURN_IF_ERROR(CheckValue(value));
      req->values.push_back(std::move(value));
      if (tok_ == Token::kClose) break;
      if (tok_ != Token::kComma) return Error("expected ',' or ')' in a set, found " + Describe());
      Advance();
    }
    Advance();
    return Status::Ok();
  }

  Status CheckValue(const std::string& value) const {
    if (std::string why = LabelValueError(value); !why.empty()) {
      return Error("invalid label value \"" + value + "\": " + why);
    }
    return Status::Ok();
  }

  std::string_view text_;
  size_t pos_ = 0;
  Token tok_ = Token::kEnd;
  std::string ident_;
};

Result<LabelSelector> LabelSelector::Parse(std::string_view text) {
  return LabelSelectorParser(text).Parse();
}

bool LabelSelector::Matches(const std::map<std::string, std::string>& labels) const {
  return std::all_of(reqs_.begin(), reqs_.end(), [&labels](const Requirement& r) {
    auto it = labels.find(r.key);
    bool present = it != labels.end();
    bool in_values =
        present && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end();
    switch (r.op) {
      case Op::kEq:
      case Op::kIn:
        return in_values;
      case Op::kNotEq:
      case Op::kNotIn:
        return !in_values;
      case Op::kExists:
        return present;
      case Op::kNotExists:
        return !present;
    }
    return false;
  });
}

bool LabelSelector::Matches(const nlohmann::json& object) const {
  std::map<std::string, std::string> labels;
  if (object.is_object()) {
    auto meta = object.find("metadata");
    if (meta != object.end() && meta->is_object()) {
      auto found = meta->find("labels");
      if (found != meta->end() && found->is_object()) {
        for (const auto& [k, v] : found->items()) {
          if (v.is_string()) labels[k] = v.get<std::string>();
        }
      }
    }
  }
  return Matches(labels);
}

namespace {

// Splits on separators that are not escaped with a backslash.
std::vector<std::string_view> SplitUnescaped(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(s.substr(start));
  return out;
}

bool Unescape(std::string_view s, std::string* out) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      *out += s[i];
      continue;
    }
    if (i + 1 >= s.size() || (s[i + 1] != '\\' && s[i + 1] != ',' && s[i + 1] != '=')) {
      return false;
    }
    *out += s[++i];
  }
  return true;
}

// The string a field selector compares against: strings as-is, other scalars as JSON text.
std::string FieldValue(const nlohmann::json& object, std::string_view path) {
  const nlohmann::json* cur = &object;
  for (std::string_view part : SplitUnescaped(path, '.')) {
    if (!cur->is_object()) return "";
    auto it = cur->find(std::string(part));
    if (it == cur->end()) return "";
    cur = &*it;
  }
  if (cur->is_string()) return cur->get<std::string>();
  if (cur->is_null() || cur->is_structured()) return "";
  return cur->dump();
}

Status SelectorError(std::string_view text, const std::string& why) {
  return Status(Code::kBadRequest, "invalid field selector \"" + std::string(text) + "\": " + why);
}

}  // namespace

Result<FieldSelector> FieldSelector::Parse(std::string_view text) {
  FieldSelector sel;
  for (std::string_view term : SplitUnescaped(text, ',')) {
    if (term.find_first_not_of(" \t") == std::string_view::npos) continue;
    size_t op = term.find_first_of("!=");
    if (op == std::string_view::npos || op == 0) {
      return SelectorError(text, "\"" + std::string(term) + "\" is not <field>=<value>");
    }
    Requirement req{std::string(term.substr(0, op)), term[op] == '!', ""};
    size_t value_start = op + 1;
    if (term[op] == '!' || term.substr(op).starts_with("==")) ++value_start;
    if (term[op] == '!' && term.substr(op, 2) != "!=") {
      return SelectorError(text, "\"" + std::string(term) + "\" has no operator (=, ==, !=)");
    }
    if (!Unescape(term.substr(value_start), &req.value)) {
      return SelectorError(text, "invalid escape sequence in \"" + std::string(term) + "\"");
    }
    sel.reqs_.push_back(std::move(req));
  }
  return sel;
}

bool FieldSelector::Matches(const nlohmann::json& object) const {
  return std::all_of(reqs_.begin(), reqs_.end(), [&object](const Requirement& r) {
    return (FieldValue(object, r.path) == r.value) != r.negate;
  });
}

const std::string* FieldSelector::Equals(std::string_view path) const {
  for (const Requirement& r : reqs_) {
    if (!r.negate && r.path == path) return &r.value;
  }
  return nullptr;
}

}  // namespace ebb::api
