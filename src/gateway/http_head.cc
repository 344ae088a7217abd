#include "gateway/http_head.h"

#include "common/ascii.h"

namespace ebb::gateway {
namespace {

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

void CloseFieldLines(std::vector<HeadField>& fields, std::uint32_t head_size) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    fields[i].end = i + 1 < fields.size() ? fields[i + 1].begin : head_size - 2;
  }
}

bool HasToken(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    if (EqualsIgnoreCase(TrimOws(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

void DropConnectionNamedFields(std::vector<HeadField>& fields, const char* base,
                               std::string_view tokens) {
  if (tokens.empty()) return;
  for (HeadField& f : fields) {
    if (!f.drop && HasToken(tokens, std::string_view(base + f.begin, f.name_size))) {
      f.drop = true;
    }
  }
}

void GatherList::Add(const char* data, std::size_t size) {
  if (size == 0) return;
  total_ += size;
  if (!buffers_.empty()) {
    iovec& last = buffers_.back();
    if (static_cast<const char*>(last.iov_base) + last.iov_len == data) {
      last.iov_len += size;
      return;
    }
  }
  buffers_.push_back(iovec{const_cast<char*>(data), size});
}

std::string GatherList::ToString() const {
  std::string out;
  out.reserve(total_);
  for (const iovec& b : buffers_) out.append(static_cast<const char*>(b.iov_base), b.iov_len);
  return out;
}

void AddKeptFields(const std::vector<HeadField>& fields, const char* base, GatherList& out) {
  for (const HeadField& f : fields) {
    if (!f.drop) out.Add(base + f.begin, f.end - f.begin);
  }
}

}  // namespace ebb::gateway
