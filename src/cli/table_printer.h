// Prints meta.k8s.io/v1 Table objects the way `kubectl get` does: upper-case headers, cells
// left-aligned in columns separated by at least 3 spaces (Go tabwriter: min width 6, padding 3;
// the last column is not padded), null cells blank, priority > 0 columns only when wide, and a
// NAMESPACE column first (from row.object.metadata.namespace) for --all-namespaces.
//
// Rows can be added in several batches (a list, then watch events): the header is printed once,
// with the first batch, and column widths only grow, like kubectl's RememberWidths, so later
// rows stay aligned with earlier ones as long as they fit.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace ebb::cli {

struct TableOptions {
  bool wide = false;            // -o wide: show priority > 0 columns
  bool with_namespace = false;  // -A: NAMESPACE column first
};

class TablePrinter {
 public:
  explicit TablePrinter(TableOptions options) : options_(options) {}

  // Queues the rows of `table`. The first table with columnDefinitions fixes the columns.
  void Add(const nlohmann::json& table);
  // Writes the header (first time only) and the queued rows, then forgets the rows.
  void Flush(std::ostream& out);
  // Rows added so far, over all batches.
  size_t total_rows() const { return total_rows_; }

 private:
  void SetColumns(const nlohmann::json& definitions);
  std::vector<std::string> RowCells(const nlohmann::json& row) const;
  void WriteLine(std::ostream& out, const std::vector<std::string>& cells);

  TableOptions options_;
  bool have_columns_ = false;
  bool header_written_ = false;
  std::vector<size_t> shown_;        // indexes into the Table's cells that are printed
  std::vector<std::string> header_;  // upper-case names of the printed columns
  std::vector<std::vector<std::string>> pending_;
  std::vector<size_t> widths_;  // remembered column widths (padding included)
  size_t total_rows_ = 0;
};

// The text of one Table cell: strings as they are, null blank, integers without a fraction,
// anything else as compact JSON.
std::string CellText(const nlohmann::json& cell);

// Display width of UTF-8 text (code points; ebb prints no wide characters).
size_t DisplayWidth(const std::string& text);

}  // namespace ebb::cli
