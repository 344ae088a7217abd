#include "load/tabwriter.h"

#include <algorithm>
#include <vector>

namespace ebb::load {
namespace {

using Line = std::vector<std::string_view>;

class TabFormatter {
 public:
  TabFormatter(std::string_view text, int min_width, int padding)
      : min_width_(min_width), padding_(padding) {
    Split(text);
  }

  std::string Run() {
    Format(0, lines_.size());
    return std::move(out_);
  }

 private:
  void Split(std::string_view text) {
    while (!text.empty()) {
      size_t eol = text.find('\n');
      std::string_view line = text.substr(0, eol);
      lines_.push_back(Cells(line));
      ended_.push_back(eol != text.npos);
      text = eol == text.npos ? std::string_view() : text.substr(eol + 1);
    }
  }

  static Line Cells(std::string_view line) {
    Line cells;
    for (size_t tab; (tab = line.find('\t')) != line.npos; line.remove_prefix(tab + 1)) {
      cells.push_back(line.substr(0, tab));
    }
    cells.push_back(line);
    return cells;
  }

  // Go's tabwriter.format: lays out the blocks of column widths_.size() in [line0, line1).
  void Format(size_t line0, size_t line1) {
    size_t column = widths_.size();
    for (size_t i = line0; i < line1; ++i) {
      if (column + 1 >= lines_[i].size()) continue;
      WriteLines(line0, i);
      line0 = i;
      size_t width = static_cast<size_t>(min_width_);
      for (; i < line1 && column + 1 < lines_[i].size(); ++i) {
        width = std::max(width, Utf8Width(lines_[i][column]) + padding_);
      }
      widths_.push_back(width);
      Format(line0, i);
      widths_.pop_back();
      line0 = i;
      --i;  // the loop's ++i would skip line i, which ended the block
    }
    WriteLines(line0, line1);
  }

  void WriteLines(size_t line0, size_t line1) {
    for (size_t i = line0; i < line1; ++i) {
      const Line& cells = lines_[i];
      for (size_t j = 0; j < cells.size(); ++j) {
        out_.append(cells[j]);
        if (j < widths_.size()) out_.append(widths_[j] - Utf8Width(cells[j]), ' ');
      }
      if (ended_[i]) out_.push_back('\n');
    }
  }

  const int min_width_;
  const size_t padding_;
  std::vector<Line> lines_;
  std::vector<bool> ended_;
  std::vector<size_t> widths_;
  std::string out_;
};

}  // namespace

size_t Utf8Width(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string TabFormat(std::string_view text, int min_width, int padding) {
  return TabFormatter(text, min_width, padding).Run();
}

}  // namespace ebb::load
