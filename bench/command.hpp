#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace kscope {

/// `kscope bench`, as bound to the command line (checked by run_bench).
struct bench_options {
  /// `--format`: seed, json, influx (repeatable or comma-separated).
  std::vector<std::string> formats{"json"};
  /// `--rate`: samples per second ("2", "1000", "100k") or "max".
  std::vector<std::string> rates{"max"};
  /// `-n`: samples per run; 0 runs for `duration`.
  uint64_t count = 0;
  /// `-d`
  std::string duration = "5s";
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
  std::vector<std::string> properties;
  /// `--json FILE`
  std::string json;
};

/// `kscope bench`: the actor pipeline and a raw librdkafka baseline, side
/// by side. Exit 0 when every sample arrived exactly once, 1 otherwise, 2
/// on a usage error.
int run_bench(const bench_options& opts,
              const std::function<bool()>& stop_requested);

} // namespace kscope
