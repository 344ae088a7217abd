#include "cli/table_printer.h"

#include <algorithm>
#include <cctype>

#include "cli/json_util.h"

namespace ebb::cli {
namespace {

using nlohmann::json;

constexpr size_t kMinWidth = 6;
constexpr size_t kPadding = 3;

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

std::string RowNamespace(const json& row) {
  return Str(Child(Child(row, "object"), "metadata"), "namespace");
}

}  // namespace

std::string CellText(const json& cell) {
  if (cell.is_null()) return "";
  if (cell.is_string()) return cell.get<std::string>();
  if (cell.is_number_float()) {
    double v = cell.get<double>();
    if (v == static_cast<double>(static_cast<long long>(v))) {
      return std::to_string(static_cast<long long>(v));
    }
  }
  return cell.dump();
}

size_t DisplayWidth(const std::string& text) {
  return std::count_if(text.begin(), text.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

void TablePrinter::SetColumns(const json& definitions) {
  if (options_.with_namespace) header_.push_back("NAMESPACE");
  for (size_t i = 0; i < definitions.size(); ++i) {
    const json& column = definitions[i];
    if (!options_.wide && Int(column, "priority") > 0) continue;
    shown_.push_back(i);
    header_.push_back(Upper(Str(column, "name")));
  }
  have_columns_ = true;
}

std::vector<std::string> TablePrinter::RowCells(const json& row) const {
  std::vector<std::string> cells;
  if (options_.with_namespace) cells.push_back(RowNamespace(row));
  const json& values = Array(row, "cells");
  for (size_t index : shown_) {
    cells.push_back(index < values.size() ? CellText(values[index]) : "");
  }
  return cells;
}

void TablePrinter::Add(const json& table) {
  if (!have_columns_) {
    const json& definitions = Array(table, "columnDefinitions");
    if (definitions.empty()) return;
    SetColumns(definitions);
  }
  for (const json& row : Array(table, "rows")) {
    pending_.push_back(RowCells(row));
    ++total_rows_;
  }
}

void TablePrinter::Flush(std::ostream& out) {
  if (pending_.empty()) return;
  std::vector<std::vector<std::string>> lines;
  if (!header_written_) lines.push_back(header_);
  for (auto& row : pending_) lines.push_back(std::move(row));
  pending_.clear();
  widths_.resize(header_.size(), 0);
  // The last column is not part of the alignment (it is not followed by a tab in kubectl).
  for (const auto& line : lines) {
    for (size_t i = 0; i + 1 < line.size(); ++i) {
      widths_[i] = std::max({widths_[i], DisplayWidth(line[i]) + kPadding, kMinWidth});
    }
  }
  for (const auto& line : lines) WriteLine(out, line);
  header_written_ = true;
}

void TablePrinter::WriteLine(std::ostream& out, const std::vector<std::string>& cells) {
  std::string text;
  for (size_t i = 0; i < cells.size(); ++i) {
    text += cells[i];
    if (i + 1 < cells.size()) text.append(widths_[i] - DisplayWidth(cells[i]), ' ');
  }
  out << text << '\n';
}

}  // namespace ebb::cli
