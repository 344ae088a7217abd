// Go's text/tabwriter as Vegeta's reports use it (padchar ' ', no flags): the text is split into
// lines and tab-terminated cells; a column block is a run of consecutive lines that have a cell
// in that column, and each cell of a block is padded with spaces to the block's widest cell
// (counted in UTF-8 characters) plus `padding`, at least `min_width`. The last cell of a line
// is not tab-terminated and is written as is.
// Pure; any thread.
#pragma once

#include <string>
#include <string_view>

namespace ebb::load {

std::string TabFormat(std::string_view text, int min_width = 0, int padding = 2);

// Characters (UTF-8 code points) in `s`.
size_t Utf8Width(std::string_view s);

}  // namespace ebb::load
