#pragma once

#include <cstddef>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bench/harness.hpp"

namespace CLI {
class App;
} // namespace CLI

namespace kscope {

/// `kscope bench`, as bound to the command line: the harness's parameters
/// (`--cores` 0 meaning this machine's) and where the JSON goes.
struct bench_options {
  bench::bench_params params = [] {
    bench::bench_params x;
    x.cores = 0;
    return x;
  }();
  /// `--json FILE`
  std::string json;
};

/// Binds `kscope bench`'s flags to `opts`.
void add_bench_options(CLI::App& cmd, bench_options& opts);

/// `kscope bench`: the actor pipeline and a raw librdkafka baseline, side
/// by side. Exit 0 when every sample arrived exactly once, 1 otherwise, 2
/// on a usage error.
int run_bench(const bench_options& opts,
              const std::function<bool()>& stop_requested);

} // namespace kscope
