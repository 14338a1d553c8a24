#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "messages/metrics.hpp"

namespace kscope {

/// What one host measured at one instant: what the sampler makes and the
/// consumer remakes after decoding. Everything downstream of either speaks
/// only this. `metrics` says which of the groups below hold a reading; the
/// others keep their zero values.
struct sample {
  /// Producing host; empty when the wire format carries none (seed format).
  std::string host;
  /// Per-producer sequence number, starting at 1; 0 when the format has none.
  uint64_t seq = 0;
  /// Wall-clock time of the measurement, nanoseconds since the Unix epoch.
  int64_t ts_ns = 0;
  /// Total busy time in percent (0..100) = 100 - idle - iowait.
  double cpu = 0;
  /// User time (user + nice, guest time counted once) in percent of all time.
  double user = 0;
  /// System time (system + irq + softirq) in percent of all time.
  double system = 0;
  /// Busy time per core in percent, index = core number.
  std::vector<double> cores;
  /// The groups this sample holds: cpu (the fields above) unless told
  /// otherwise.
  metric_set metrics = metric_set::only(metric_kind::cpu);
  mem_stats mem;
  /// Per interface, as sampled (loopback left out unless asked for).
  std::vector<net_stats> nets;
  /// Per whole disk, as sampled.
  std::vector<disk_stats> disks;
  load_stats load;
  std::vector<gpu_stats> gpus;
};

inline bool operator==(const sample& x, const sample& y) {
  return x.host == y.host && x.seq == y.seq && x.ts_ns == y.ts_ns
         && x.cpu == y.cpu && x.user == y.user && x.system == y.system
         && x.cores == y.cores && x.metrics == y.metrics && x.mem == y.mem
         && x.nets == y.nets && x.disks == y.disks && x.load == y.load
         && x.gpus == y.gpus;
}

inline bool operator!=(const sample& x, const sample& y) {
  return !(x == y);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sample& x) {
  return f(caf::meta::type_name("sample"), x.host, x.seq, x.ts_ns, x.cpu,
           x.user, x.system, x.cores, x.metrics, x.mem, x.nets, x.disks,
           x.load, x.gpus);
}

} // namespace kscope
