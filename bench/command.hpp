#pragma once

#include <cstddef>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "actors/edges/kafka.hpp"
#include "messages/codec.hpp"

namespace CLI {
class App;
} // namespace CLI

namespace kscope {

/// `kscope bench`, as bound to the command line.
struct bench_options {
  /// `--format`: repeatable or comma-separated.
  std::vector<wire_format> formats{wire_format::json};
  /// `--rate`: samples per second; 0 for "max".
  std::vector<double> rates{0};
  /// `-n`: samples per run; 0 runs for `duration`.
  uint64_t count = 0;
  /// `-d`
  std::chrono::milliseconds duration{5000};
  /// `-b`: a real broker; empty starts the embedded one.
  std::string brokers;
  /// `--cores`: cores per sample; 0 means this machine's.
  size_t cores = 0;
  /// `--in-flight`: most samples sent but not yet received; 0 = automatic.
  uint64_t in_flight = 0;
  /// `--render`: also render every window snapshot.
  bool render = false;
  /// `--fps`: window snapshots per second.
  double fps = 10;
  /// `-X key=value`
  std::vector<kafka_property> properties;
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
