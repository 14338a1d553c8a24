#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kscope {

/// Cumulative counters of one `cpu` line of /proc/stat, in USER_HZ ticks.
/// As in the kernel, `user` includes `guest` and `nice` includes `guest_nice`.
struct cpu_times {
  uint64_t user = 0;
  uint64_t nice = 0;
  uint64_t system = 0;
  uint64_t idle = 0;
  uint64_t iowait = 0;
  uint64_t irq = 0;
  uint64_t softirq = 0;
  uint64_t steal = 0;
  uint64_t guest = 0;
  uint64_t guest_nice = 0;
};

/// One reading of /proc/stat: the aggregate line and the per-core lines.
struct proc_stat_reading {
  cpu_times total;
  /// Index = core number; a core without a line (offline) is std::nullopt.
  std::vector<std::optional<cpu_times>> cores;
};

/// Parses the text of /proc/stat. Lines other than `cpu`/`cpuN` are ignored;
/// lines with fewer than the 4 mandatory counters or non-numeric counters are
/// an error. Returns std::nullopt and sets `*err` (if non-null) to a one-line
/// reason when there is no aggregate `cpu` line or a cpu line is malformed.
std::optional<proc_stat_reading> parse_proc_stat(std::string_view text,
                                                 std::string* err = nullptr);

/// Usage over an interval, in percent of all time (0..100).
struct cpu_usage {
  /// 100 - idle - iowait.
  double busy = 0;
  /// user + nice (these already contain guest and guest_nice, which are
  /// therefore not added again).
  double user = 0;
  /// system + irq + softirq.
  double system = 0;
};

/// Usage between two readings of the same counters. Guest time is counted
/// once (it is already part of user/nice). A counter that went backwards
/// counts as zero. Returns std::nullopt when no tick elapsed, so a caller
/// never divides by zero. Results are clamped to 0..100.
std::optional<cpu_usage> usage_between(const cpu_times& before,
                                       const cpu_times& after);

/// Turns successive /proc/stat readings into usage figures.
class cpu_usage_meter {
public:
  /// `proc_root` is the folder holding `stat` ("/proc" on a live system);
  /// tests point it at fixture folders.
  explicit cpu_usage_meter(std::string proc_root = "/proc");

  /// Result of one measurement.
  struct result {
    cpu_usage total;
    /// Busy percent per core; index = core number, a core that is offline
    /// now or was offline at the previous reading reads 0.
    std::vector<double> cores;
  };

  /// Reads `<proc_root>/stat` and stores it as the new baseline. Returns
  /// usage since the previous baseline; std::nullopt on the first call (no
  /// baseline yet). When no tick elapsed since the baseline, repeats the
  /// previous result (zero usage before any). On a read or parse error,
  /// returns std::nullopt, keeps the old baseline and sets `*err`.
  std::optional<result> measure(std::string* err = nullptr);

  /// Same as measure(), but from given text rather than the file.
  std::optional<result> measure_text(std::string_view text,
                                     std::string* err = nullptr);

  /// Cores online at the last reading (0 before any).
  size_t online_cores() const;

  /// The file that measure() reads.
  const std::string& path() const noexcept {
    return path_;
  }

private:
  std::string path_;
  std::optional<proc_stat_reading> baseline_;
  result last_;
};

} // namespace kscope
