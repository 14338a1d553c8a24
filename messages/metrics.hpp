#pragma once

// What a sample carries besides CPU: memory, network, disk, load and GPU, as
// read on one host at one instant. Counters are cumulative, as the kernel
// and Telegraf report them; viewers turn them into rates per host and
// device.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace kscope {

/// The kinds of metric a producer samples and a viewer draws.
enum class metric_kind : uint8_t { cpu, mem, net, disk, load, gpu };

/// Number of metric kinds.
constexpr size_t metric_kind_count = 6;

/// Returns "cpu", "mem", "net", "disk", "load" or "gpu".
std::string_view to_string(metric_kind x);

/// Parses one of the names to_string returns.
std::optional<metric_kind> parse_metric_kind(std::string_view str);

/// A set of metric kinds, one bit each.
class metric_set {
public:
  constexpr metric_set() = default;

  constexpr explicit metric_set(uint8_t bits) : bits_(bits) {
  }

  /// Every kind but gpu, which is only sampled when asked for.
  static constexpr metric_set defaults() {
    return metric_set{0x1f};
  }

  static constexpr metric_set only(metric_kind x) {
    return metric_set{static_cast<uint8_t>(1u << static_cast<unsigned>(x))};
  }

  constexpr bool has(metric_kind x) const {
    return (bits_ & (1u << static_cast<unsigned>(x))) != 0;
  }

  void add(metric_kind x) {
    bits_ = static_cast<uint8_t>(bits_ | (1u << static_cast<unsigned>(x)));
  }

  void remove(metric_kind x) {
    bits_ = static_cast<uint8_t>(bits_ & ~(1u << static_cast<unsigned>(x)));
  }

  constexpr bool empty() const {
    return bits_ == 0;
  }

  constexpr uint8_t bits() const {
    return bits_;
  }

  friend constexpr bool operator==(metric_set x, metric_set y) {
    return x.bits_ == y.bits_;
  }

  friend constexpr bool operator!=(metric_set x, metric_set y) {
    return x.bits_ != y.bits_;
  }

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, metric_set& x) {
    return f(caf::meta::type_name("metric_set"), x.bits_);
  }

private:
  uint8_t bits_ = 0;
};

/// "cpu,mem,net" for a set, in the order of metric_kind.
std::string to_string(metric_set xs);

/// Memory from /proc/meminfo (Telegraf's `mem` and `swap`), in bytes.
struct mem_stats {
  uint64_t total = 0;
  /// MemAvailable: what can be allocated without swapping.
  uint64_t available = 0;
  /// total - available.
  uint64_t used = 0;
  uint64_t free = 0;
  uint64_t buffered = 0;
  uint64_t cached = 0;
  uint64_t swap_total = 0;
  uint64_t swap_free = 0;
  /// swap_total - swap_free.
  uint64_t swap_used = 0;

  /// used in percent of total; 0 when total is 0.
  double used_percent() const {
    return total == 0 ? 0.0 : 100.0 * static_cast<double>(used)
                                / static_cast<double>(total);
  }

  /// available in percent of total; 0 when total is 0.
  double available_percent() const {
    return total == 0 ? 0.0 : 100.0 * static_cast<double>(available)
                                / static_cast<double>(total);
  }

  /// swap_used in percent of swap_total; 0 without swap.
  double swap_used_percent() const {
    return swap_total == 0 ? 0.0 : 100.0 * static_cast<double>(swap_used)
                                     / static_cast<double>(swap_total);
  }
};

inline bool operator==(const mem_stats& x, const mem_stats& y) {
  return x.total == y.total && x.available == y.available && x.used == y.used
         && x.free == y.free && x.buffered == y.buffered
         && x.cached == y.cached && x.swap_total == y.swap_total
         && x.swap_free == y.swap_free && x.swap_used == y.swap_used;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, mem_stats& x) {
  return f(caf::meta::type_name("mem_stats"), x.total, x.available, x.used,
           x.free, x.buffered, x.cached, x.swap_total, x.swap_free,
           x.swap_used);
}

/// Cumulative counters of one network interface from /proc/net/dev
/// (Telegraf's `net`, tag `interface`).
struct net_stats {
  std::string name;
  uint64_t bytes_recv = 0;
  uint64_t bytes_sent = 0;
  uint64_t packets_recv = 0;
  uint64_t packets_sent = 0;
  uint64_t err_in = 0;
  uint64_t err_out = 0;
  uint64_t drop_in = 0;
  uint64_t drop_out = 0;
};

inline bool operator==(const net_stats& x, const net_stats& y) {
  return x.name == y.name && x.bytes_recv == y.bytes_recv
         && x.bytes_sent == y.bytes_sent && x.packets_recv == y.packets_recv
         && x.packets_sent == y.packets_sent && x.err_in == y.err_in
         && x.err_out == y.err_out && x.drop_in == y.drop_in
         && x.drop_out == y.drop_out;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, net_stats& x) {
  return f(caf::meta::type_name("net_stats"), x.name, x.bytes_recv,
           x.bytes_sent, x.packets_recv, x.packets_sent, x.err_in, x.err_out,
           x.drop_in, x.drop_out);
}

/// Cumulative counters of one whole disk from /proc/diskstats (Telegraf's
/// `diskio`, tag `name`). Times in milliseconds.
struct disk_stats {
  std::string name;
  uint64_t reads = 0;
  uint64_t writes = 0;
  uint64_t read_bytes = 0;
  uint64_t write_bytes = 0;
  uint64_t read_time = 0;
  uint64_t write_time = 0;
  uint64_t io_time = 0;
  uint64_t weighted_io_time = 0;
  uint64_t iops_in_progress = 0;
  uint64_t merged_reads = 0;
  uint64_t merged_writes = 0;
};

inline bool operator==(const disk_stats& x, const disk_stats& y) {
  return x.name == y.name && x.reads == y.reads && x.writes == y.writes
         && x.read_bytes == y.read_bytes && x.write_bytes == y.write_bytes
         && x.read_time == y.read_time && x.write_time == y.write_time
         && x.io_time == y.io_time && x.weighted_io_time == y.weighted_io_time
         && x.iops_in_progress == y.iops_in_progress
         && x.merged_reads == y.merged_reads
         && x.merged_writes == y.merged_writes;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, disk_stats& x) {
  return f(caf::meta::type_name("disk_stats"), x.name, x.reads, x.writes,
           x.read_bytes, x.write_bytes, x.read_time, x.write_time, x.io_time,
           x.weighted_io_time, x.iops_in_progress, x.merged_reads,
           x.merged_writes);
}

/// Load average from /proc/loadavg and the number of online CPUs
/// (Telegraf's `system`).
struct load_stats {
  double load1 = 0;
  double load5 = 0;
  double load15 = 0;
  uint32_t n_cpus = 0;
};

inline bool operator==(const load_stats& x, const load_stats& y) {
  return x.load1 == y.load1 && x.load5 == y.load5 && x.load15 == y.load15
         && x.n_cpus == y.n_cpus;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, load_stats& x) {
  return f(caf::meta::type_name("load_stats"), x.load1, x.load5, x.load15,
           x.n_cpus);
}

/// One GPU as NVML reports it (Telegraf's `nvidia_smi`).
struct gpu_stats {
  uint32_t index = 0;
  std::string name;
  /// Percent of time a kernel ran over the last sample period (0..100).
  double utilization = 0;
  /// Bytes.
  uint64_t memory_used = 0;
  uint64_t memory_total = 0;
};

inline bool operator==(const gpu_stats& x, const gpu_stats& y) {
  return x.index == y.index && x.name == y.name
         && x.utilization == y.utilization && x.memory_used == y.memory_used
         && x.memory_total == y.memory_total;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, gpu_stats& x) {
  return f(caf::meta::type_name("gpu_stats"), x.index, x.name, x.utilization,
           x.memory_used, x.memory_total);
}

} // namespace kscope
