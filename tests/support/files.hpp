#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kscope::test {

/// One line of `kscope view --csv`: host,seq,ts_ns,cpu.
struct csv_row {
  std::string host;
  uint64_t seq = 0;
  int64_t ts_ns = 0;
  double cpu = 0;
};

/// Reads a file written by `--csv`; missing file -> empty.
std::vector<csv_row> read_csv(const std::string& path);

/// A path in /tmp unique to this test process.
std::string temp_path(const std::string& name);

} // namespace kscope::test
