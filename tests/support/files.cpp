#include "tests/support/files.hpp"

#include <fstream>
#include <sstream>

#include <unistd.h>

namespace kscope::test {

std::vector<csv_row> read_csv(const std::string& path) {
  std::vector<csv_row> result;
  std::ifstream in{path};
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields{line};
    csv_row row;
    std::string seq, ts, cpu;
    std::getline(fields, row.host, ',');
    std::getline(fields, seq, ',');
    std::getline(fields, ts, ',');
    std::getline(fields, cpu, ',');
    row.seq = std::stoull(seq);
    row.ts_ns = std::stoll(ts);
    row.cpu = std::stod(cpu);
    result.push_back(row);
  }
  return result;
}

std::string temp_path(const std::string& name) {
  return "/tmp/kscope-test-" + std::to_string(getpid()) + "-" + name;
}

} // namespace kscope::test
