#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kscope::test {

/// One line of `kscope view --csv` (after its header
/// host,seq,ts_ns,metric,value).
struct csv_metric_row {
  std::string host;
  uint64_t seq = 0;
  int64_t ts_ns = 0;
  std::string metric;
  double value = 0;
};

/// A `cpu` row of `--csv`.
struct csv_row {
  std::string host;
  uint64_t seq = 0;
  int64_t ts_ns = 0;
  double cpu = 0;
};

/// Reads every row of a file written by `--csv`; missing file -> empty.
std::vector<csv_metric_row> read_csv_rows(const std::string& path);

/// Reads the cpu rows of a file written by `--csv`.
std::vector<csv_row> read_csv(const std::string& path);

/// A path in /tmp unique to this test process.
std::string temp_path(const std::string& name);

} // namespace kscope::test
