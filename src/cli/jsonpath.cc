#include "cli/jsonpath.h"

#include <cctype>
#include <optional>

namespace ebb::cli {
namespace {

using nlohmann::json;

struct Filter;

struct Step {
  enum class Type { kField, kWildcard, kRecursive, kIndex, kSlice, kFilter };
  Type type = Type::kField;
  std::vector<std::string> names;  // kField: one key, or a union of keys
  std::vector<long long> indexes;  // kIndex: one index, or a union
  std::optional<long long> start, end;
  long long stride = 1;  // kSlice
  std::shared_ptr<const Filter> filter;
};

struct Path {
  bool from_root = false;  // $ instead of @ / the current node
  std::vector<Step> steps;
};

struct Operand {
  bool is_path = false;
  Path path;
  json literal;
};

struct Filter {
  Operand left;
  std::string op;  // "" = [?(@.x)] presence test
  Operand right;
};

}  // namespace

struct JsonPath::Node {
  enum class Type { kText, kPath, kRange };
  Type type = Type::kText;
  std::string text;        // kText
  Path path;               // kPath, kRange
  std::vector<Node> body;  // kRange
};

namespace {

using Node = JsonPath::Node;

bool IsNameChar(char c) {
  static constexpr std::string_view kStop = ".[]{}()=!<>,'\" \t\n";
  return kStop.find(c) == std::string_view::npos;
}

// Recursive-descent parser over the template text. Errors carry the 1-based column.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<std::vector<Node>> ParseAll() {
    bool saw_end = false;
    Result<std::vector<Node>> nodes = ParseNodes(&saw_end);
    if (nodes.ok() && saw_end) return Fail("{end} without {range}");
    return nodes;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  void SkipSpaces() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t')) ++pos_;
  }
  bool Consume(char c) {
    if (Peek() != c || AtEnd()) return false;
    ++pos_;
    return true;
  }
  bool ConsumeWord(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  // "end" then "}" (so that a key such as {endpoint} is not taken for {end}).
  bool ConsumeEnd() {
    size_t start = pos_;
    if (ConsumeWord("end")) {
      SkipSpaces();
      if (Consume('}')) return true;
    }
    pos_ = start;
    return false;
  }
  Status Fail(const std::string& what) const {
    return Status(Code::kBadRequest, what + " at column " + std::to_string(pos_ + 1));
  }

  // Nodes up to the end of the text, or up to an {end} (then *saw_end is set).
  Result<std::vector<Node>> ParseNodes(bool* saw_end) {
    std::vector<Node> nodes;
    while (!AtEnd()) {
      if (Peek() != '{') {
        size_t brace = text_.find('{', pos_);
        if (brace == std::string_view::npos) brace = text_.size();
        nodes.push_back(Node{Node::Type::kText, std::string(text_.substr(pos_, brace - pos_))});
        pos_ = brace;
        continue;
      }
      ++pos_;
      SkipSpaces();
      if (ConsumeEnd()) {
        *saw_end = true;
        return nodes;
      }
      Result<Node> node = ParseAction();
      if (!node.ok()) return node.status();
      nodes.push_back(std::move(*node));
    }
    return nodes;
  }

  // What follows "{" (spaces skipped): range, a quoted literal, or a path; consumes the "}".
  Result<Node> ParseAction() {
    Node node;
    if (ConsumeWord("range ")) {
      node.type = Node::Type::kRange;
      Status s = ParseBracedPath(&node.path);
      if (!s.ok()) return s;
      bool saw_end = false;
      Result<std::vector<Node>> body = ParseNodes(&saw_end);
      if (!body.ok()) return body.status();
      if (!saw_end) return Fail("{range} without {end}");
      node.body = std::move(*body);
      return node;
    }
    if (Peek() == '"' || Peek() == '\'') {
      Result<std::string> literal = ParseQuoted();
      if (!literal.ok()) return literal.status();
      SkipSpaces();
      if (!Consume('}')) return Fail("expected }");
      node.text = std::move(*literal);
      return node;
    }
    node.type = Node::Type::kPath;
    Status s = ParseBracedPath(&node.path);
    if (!s.ok()) return s;
    return node;
  }

  Status ParseBracedPath(Path* path) {
    SkipSpaces();
    EBB_RETURN_IF_ERROR(ParsePath(path));
    SkipSpaces();
    if (AtEnd()) return Fail("unclosed action, expected }");
    if (!Consume('}')) return Fail(std::string("unexpected '") + Peek() + "'");
    return Status::Ok();
  }

  Status ParsePath(Path* path) {
    if (Consume('$')) {
      path->from_root = true;
    } else {
      Consume('@');
    }
    if (IsNameChar(Peek()) && !AtEnd() && Peek() != '$' && Peek() != '@') {
      EBB_RETURN_IF_ERROR(ParseName(path));  // {metadata.name}: a bare first key
    }
    while (!AtEnd()) {
      if (Consume('.')) {
        EBB_RETURN_IF_ERROR(ParseAfterDot(path));
      } else if (Consume('[')) {
        EBB_RETURN_IF_ERROR(ParseBracket(path));
      } else {
        break;
      }
    }
    return Status::Ok();
  }

  Status ParseAfterDot(Path* path) {
    if (Consume('.')) {
      path->steps.push_back(Step{Step::Type::kRecursive});
      if (Peek() == '[') return Status::Ok();
    }
    if (Consume('*')) {
      path->steps.push_back(Step{Step::Type::kWildcard});
      return Status::Ok();
    }
    if (AtEnd() || !IsNameChar(Peek())) {
      // "{.}" is the current node; "..}" has nothing to descend to.
      if (!path->steps.empty() && path->steps.back().type == Step::Type::kRecursive) {
        return Fail("expected a name after ..");
      }
      return Status::Ok();
    }
    return ParseName(path);
  }

  Status ParseName(Path* path) {
    std::string name;
    while (!AtEnd() && (IsNameChar(Peek()) || Peek() == '\\')) {
      if (Peek() == '\\' && pos_ + 1 < text_.size()) ++pos_;  // \. keeps the dot in the key
      name += text_[pos_++];
    }
    Step step{Step::Type::kField};
    step.names.push_back(std::move(name));
    path->steps.push_back(std::move(step));
    return Status::Ok();
  }

  Status ParseBracket(Path* path) {
    SkipSpaces();
    Step step;
    if (Consume('*')) {
      step.type = Step::Type::kWildcard;
    } else if (Consume('?')) {
      EBB_RETURN_IF_ERROR(ParseFilter(&step));
    } else if (Peek() == '\'' || Peek() == '"') {
      EBB_RETURN_IF_ERROR(ParseKeyUnion(&step));
    } else {
      EBB_RETURN_IF_ERROR(ParseIndexes(&step));
    }
    SkipSpaces();
    if (!Consume(']')) return Fail(AtEnd() ? "unterminated [" : "expected ]");
    path->steps.push_back(std::move(step));
    return Status::Ok();
  }

  Status ParseKeyUnion(Step* step) {
    step->type = Step::Type::kField;
    do {
      SkipSpaces();
      Result<std::string> key = ParseQuoted();
      if (!key.ok()) return key.status();
      step->names.push_back(std::move(*key));
      SkipSpaces();
    } while (Consume(','));
    return Status::Ok();
  }

  std::optional<long long> ParseInt() {
    SkipSpaces();
    size_t start = pos_;
    if (Peek() == '-' || Peek() == '+') ++pos_;
    size_t digits = pos_;
    while (std::isdigit(static_cast<unsigned char>(Peek())) && !AtEnd()) ++pos_;
    if (pos_ == digits) {
      pos_ = start;
      return std::nullopt;
    }
    return std::stoll(std::string(text_.substr(start, pos_ - start)));
  }

  Status ParseIndexes(Step* step) {
    std::optional<long long> first = ParseInt();
    SkipSpaces();
    if (Consume(':')) return ParseSlice(step, first);
    if (!first) return Fail("expected an index, a slice, *, ?(…) or a quoted key");
    step->type = Step::Type::kIndex;
    step->indexes.push_back(*first);
    while (Consume(',')) {
      std::optional<long long> next = ParseInt();
      if (!next) return Fail("expected an index");
      step->indexes.push_back(*next);
      SkipSpaces();
    }
    return Status::Ok();
  }

  Status ParseSlice(Step* step, std::optional<long long> start) {
    step->type = Step::Type::kSlice;
    step->start = start;
    step->end = ParseInt();
    SkipSpaces();
    if (Consume(':')) {
      std::optional<long long> stride = ParseInt();
      if (stride) step->stride = *stride;
    }
    if (step->stride <= 0) return Fail("slice step must be positive");
    return Status::Ok();
  }

  Status ParseFilter(Step* step) {
    step->type = Step::Type::kFilter;
    SkipSpaces();
    if (!Consume('(')) return Fail("expected ( after ?");
    auto filter = std::make_shared<Filter>();
    EBB_RETURN_IF_ERROR(ParseOperand(&filter->left));
    SkipSpaces();
    for (std::string_view op : {"==", "!=", "<=", ">=", "<", ">"}) {
      if (ConsumeWord(op)) {
        filter->op = std::string(op);
        break;
      }
    }
    if (!filter->op.empty()) EBB_RETURN_IF_ERROR(ParseOperand(&filter->right));
    SkipSpaces();
    if (!Consume(')')) return Fail(AtEnd() ? "unterminated filter" : "expected ) in filter");
    step->filter = std::move(filter);
    return Status::Ok();
  }

  Status ParseOperand(Operand* operand) {
    SkipSpaces();
    if (Peek() == '@' || Peek() == '$') {
      operand->is_path = true;
      return ParsePath(&operand->path);
    }
    if (Peek() == '"' || Peek() == '\'') {
      Result<std::string> text = ParseQuoted();
      if (!text.ok()) return text.status();
      operand->literal = std::move(*text);
      return Status::Ok();
    }
    for (auto [word, value] :
         {std::pair<std::string_view, json>{"true", true}, {"false", false}, {"null", nullptr}}) {
      if (ConsumeWord(word)) {
        operand->literal = value;
        return Status::Ok();
      }
    }
    return ParseNumber(operand);
  }

  Status ParseNumber(Operand* operand) {
    size_t start = pos_;
    while (!AtEnd() && (std::isdigit(static_cast<unsigned char>(Peek())) || Peek() == '-' ||
                        Peek() == '.' || Peek() == '+' || Peek() == 'e' || Peek() == 'E')) {
      ++pos_;
    }
    if (pos_ == start) return Fail("expected a value in filter");
    json value = json::parse(std::string(text_.substr(start, pos_ - start)), nullptr, false);
    if (!value.is_number()) return Fail("bad number in filter");
    operand->literal = std::move(value);
    return Status::Ok();
  }

  // '…' or "…" with \n \t \r \\ \" \' escapes.
  Result<std::string> ParseQuoted() {
    char quote = text_[pos_++];
    std::string out;
    while (!AtEnd() && Peek() != quote) {
      char c = text_[pos_++];
      if (c == '\\' && !AtEnd()) {
        char e = text_[pos_++];
        c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
      }
      out += c;
    }
    if (!Consume(quote)) return Fail("unterminated quoted string");
    return out;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// ---- evaluation ----

using Nodes = std::vector<const json*>;

void Descendants(const json& node, Nodes& out) {
  out.push_back(&node);
  if (node.is_structured()) {
    for (const json& child : node) Descendants(child, out);
  }
}

Result<Nodes> EvalPath(const Path& path, const json& current, const json& root);

std::optional<json> OperandValue(const Operand& operand, const json& current, const json& root) {
  if (!operand.is_path) return operand.literal;
  Result<Nodes> values = EvalPath(operand.path, current, root);
  if (!values.ok() || values->empty()) return std::nullopt;
  return *values->front();
}

template <typename T>
bool CompareOrdered(const T& x, const T& y, const std::string& op) {
  if (op == "==") return x == y;
  if (op == "!=") return x != y;
  if (op == "<") return x < y;
  if (op == "<=") return x <= y;
  if (op == ">") return x > y;
  return x >= y;
}

bool Compare(const json& a, const json& b, const std::string& op) {
  if (a.is_number() && b.is_number()) return CompareOrdered(a.get<double>(), b.get<double>(), op);
  if (a.is_string() && b.is_string()) {
    return CompareOrdered(a.get_ref<const std::string&>(), b.get_ref<const std::string&>(), op);
  }
  if (op == "==") return a == b;
  if (op == "!=") return a != b;
  return false;
}

bool Matches(const Filter& filter, const json& element, const json& root) {
  std::optional<json> left = OperandValue(filter.left, element, root);
  if (filter.op.empty()) return left.has_value();
  std::optional<json> right = OperandValue(filter.right, element, root);
  return left && right && Compare(*left, *right, filter.op);
}

Status ApplyIndex(const Step& step, const json& node, Nodes& out) {
  if (!node.is_array()) return Status::Ok();
  const long long size = static_cast<long long>(node.size());
  for (long long index : step.indexes) {
    long long i = index < 0 ? index + size : index;
    if (i < 0 || i >= size) {
      return Status(Code::kBadRequest, "array index out of bounds: index " + std::to_string(index) +
                                           ", length " + std::to_string(size));
    }
    out.push_back(&node[static_cast<size_t>(i)]);
  }
  return Status::Ok();
}

void ApplySlice(const Step& step, const json& node, Nodes& out) {
  if (!node.is_array()) return;
  const long long size = static_cast<long long>(node.size());
  auto clamp = [size](long long v) {
    if (v < 0) v += size;
    return v < 0 ? 0 : v > size ? size : v;
  };
  long long start = clamp(step.start.value_or(0));
  long long end = clamp(step.end.value_or(size));
  for (long long i = start; i < end; i += step.stride) {
    out.push_back(&node[static_cast<size_t>(i)]);
  }
}

Status ApplyStep(const Step& step, const json& node, const json& root, Nodes& out) {
  switch (step.type) {
    case Step::Type::kField:
      if (node.is_object()) {
        for (const std::string& name : step.names) {
          if (auto it = node.find(name); it != node.end()) out.push_back(&*it);
        }
      }
      return Status::Ok();
    case Step::Type::kWildcard:
      if (node.is_structured()) {
        for (const json& child : node) out.push_back(&child);
      }
      return Status::Ok();
    case Step::Type::kRecursive:
      Descendants(node, out);
      return Status::Ok();
    case Step::Type::kIndex:
      return ApplyIndex(step, node, out);
    case Step::Type::kSlice:
      ApplySlice(step, node, out);
      return Status::Ok();
    case Step::Type::kFilter:
      if (!node.is_array()) {
        return Status(Code::kBadRequest,
                      node.dump() + " is not array or slice and cannot be filtered");
      }
      for (const json& element : node) {
        if (Matches(*step.filter, element, root)) out.push_back(&element);
      }
      return Status::Ok();
  }
  return Status::Ok();
}

Result<Nodes> EvalPath(const Path& path, const json& current, const json& root) {
  Nodes nodes{path.from_root ? &root : &current};
  for (const Step& step : path.steps) {
    Nodes next;
    for (const json* node : nodes) EBB_RETURN_IF_ERROR(ApplyStep(step, *node, root, next));
    nodes = std::move(next);
  }
  return nodes;
}

std::string ValueText(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

Status ExecuteNodes(const std::vector<Node>& nodes, const json& current, const json& root,
                    std::string& out) {
  for (const Node& node : nodes) {
    if (node.type == Node::Type::kText) {
      out += node.text;
      continue;
    }
    Result<Nodes> values = EvalPath(node.path, current, root);
    if (!values.ok()) return values.status();
    for (size_t i = 0; i < values->size(); ++i) {
      const json& value = *(*values)[i];
      if (node.type == Node::Type::kRange) {
        EBB_RETURN_IF_ERROR(ExecuteNodes(node.body, value, root, out));
      } else {
        if (i > 0) out += ' ';
        out += ValueText(value);
      }
    }
  }
  return Status::Ok();
}

}  // namespace

JsonPath::JsonPath(std::string text, std::vector<Node> nodes)
    : text_(std::move(text)), nodes_(std::make_shared<const std::vector<Node>>(std::move(nodes))) {}
JsonPath::JsonPath(JsonPath&&) noexcept = default;
JsonPath& JsonPath::operator=(JsonPath&&) noexcept = default;
JsonPath::~JsonPath() = default;

Result<JsonPath> JsonPath::Parse(std::string_view text) {
  Result<std::vector<Node>> nodes = Parser(text).ParseAll();
  if (!nodes.ok()) {
    return Status(Code::kBadRequest,
                  "error parsing jsonpath " + std::string(text) + ": " + nodes.status().message());
  }
  return JsonPath(std::string(text), std::move(*nodes));
}

Result<std::string> JsonPath::Execute(const json& data) const {
  std::string out;
  Status s = ExecuteNodes(*nodes_, data, data, out);
  if (!s.ok()) {
    return Status(Code::kBadRequest, "error executing jsonpath \"" + text_ + "\": " + s.message());
  }
  return out;
}

}  // namespace ebb::cli
