// The numbers of a figure as CSV, for the lab's "CSV" export buttons and `vitcnn figures` alike.
#pragma once
#include <string>

#include "figures/figure.h"

namespace vc {

// "%.9g" of v: a number in an exported CSV file.
std::string csv_number(double v);
// A map grid's values (figure.maps; "" without one): one line per panel and cell (analysis/compare.h table_csv) under
// the grid's csv_columns: the panel named by its y / x tick (its number from 1 when the figure has none; both left
// out for a single map), the cell's row and column from 1, the value as the analysis gave it (not the colour scale's
// share).
std::string maps_csv(const Figure& f);

}  // namespace vc
