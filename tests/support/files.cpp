#include "tests/support/files.hpp"

#include <fstream>
#include <sstream>

#include <unistd.h>

namespace kscope::test {

std::vector<csv_metric_row> read_csv_rows(const std::string& path) {
  std::vector<csv_metric_row> result;
  std::ifstream in{path};
  for (std::string line; std::getline(in, line);) {
    if (line == "host,seq,ts_ns,metric,value")
      continue;
    std::istringstream fields{line};
    csv_metric_row row;
    std::string seq, ts, value;
    std::getline(fields, row.host, ',');
    std::getline(fields, seq, ',');
    std::getline(fields, ts, ',');
    std::getline(fields, row.metric, ',');
    std::getline(fields, value, ',');
    row.seq = std::stoull(seq);
    row.ts_ns = std::stoll(ts);
    row.value = std::stod(value);
    result.push_back(row);
  }
  return result;
}

std::vector<csv_row> read_csv(const std::string& path) {
  std::vector<csv_row> result;
  for (auto& x : read_csv_rows(path))
    if (x.metric == "cpu")
      result.push_back(csv_row{x.host, x.seq, x.ts_ns, x.value});
  return result;
}

std::string temp_path(const std::string& name) {
  return "/tmp/kscope-test-" + std::to_string(getpid()) + "-" + name;
}

} // namespace kscope::test
