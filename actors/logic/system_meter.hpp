#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "actors/logic/proc_metrics.hpp"
#include "actors/logic/proc_stat.hpp"
#include "messages/sample.hpp"

namespace kscope {

/// What a system_meter reads.
struct system_meter_config {
  /// Folder holding stat, meminfo, net/dev, diskstats and loadavg ("/proc"
  /// on a live system; tests use fixture folders).
  std::string proc_root = "/proc";
  metric_set metrics = metric_set::defaults();
  /// Interfaces to sample; empty: all but loopback.
  device_filter interfaces;
  /// Disks to sample; empty: whole disks (see is_whole_disk).
  device_filter disks;
  /// Reads the GPUs; unset or returning nothing: no GPU in the sample.
  std::function<std::vector<gpu_stats>()> gpus;
};

/// Reads every chosen kind of metric at one instant into a sample. CPU usage
/// is a difference of two readings, so the first call only takes the
/// baseline for it; the other kinds are cumulative counters or levels and
/// are complete from the first call.
class system_meter {
public:
  explicit system_meter(system_meter_config cfg);

  /// Fills `out` (metrics, cpu fields, mem, nets, disks, load, gpus) from
  /// one reading of each chosen file. Returns false and sets `*err` to a
  /// one-line reason naming the file when one cannot be read or parsed.
  /// On the first call, CPU is left out of `out.metrics` (no baseline yet).
  bool measure(sample& out, std::string* err = nullptr);

  const system_meter_config& config() const noexcept {
    return cfg_;
  }

private:
  bool read(const char* name, std::string& text, std::string* err);

  system_meter_config cfg_;
  cpu_usage_meter cpu_;
  std::string text_;
};

} // namespace kscope
