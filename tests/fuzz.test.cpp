// The fuzz harnesses' seed corpus (tests/fuzz/corpus/<harness>/), replayed
// through the harnesses' own entry functions on every run of the suite: each
// input, including every crash a fuzzer once found, must pass their checks.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "tests/fuzz/targets.hpp"

namespace {

namespace fs = std::filesystem;

/// Calls `entry` on the bytes of every file of corpus/<harness>; returns
/// how many.
size_t replay(const std::string& harness,
              const std::function<void(std::string_view)>& entry) {
  fs::path dir = fs::path{KSCOPE_TEST_DATA} / ".." / "fuzz" / "corpus"
                 / harness;
  size_t n = 0;
  for (const auto& file : fs::directory_iterator{dir}) {
    if (!file.is_regular_file())
      continue;
    std::ifstream in{file.path(), std::ios::binary};
    std::stringstream buf;
    buf << in.rdbuf();
    INFO(file.path().string());
    entry(buf.str());
    ++n;
  }
  return n;
}

} // namespace

TEST_CASE("the payload fuzz corpus replays without a broken invariant") {
  CHECK(replay("payload", kscope::fuzz::payload) >= 9);
}

TEST_CASE("the config-file fuzz corpus replays without a broken invariant") {
  CHECK(replay("config", kscope::fuzz::config) >= 4);
}

TEST_CASE("the command-line fuzz corpus replays without a broken invariant") {
  CHECK(replay("cli", kscope::fuzz::cli) >= 4);
}
