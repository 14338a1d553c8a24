#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace kscope {

/// One CPU measurement of one host: what the sampler makes and the consumer
/// remakes after decoding. Everything downstream of either speaks only this.
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
};

inline bool operator==(const sample& x, const sample& y) {
  return x.host == y.host && x.seq == y.seq && x.ts_ns == y.ts_ns
         && x.cpu == y.cpu && x.user == y.user && x.system == y.system
         && x.cores == y.cores;
}

inline bool operator!=(const sample& x, const sample& y) {
  return !(x == y);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sample& x) {
  return f(caf::meta::type_name("sample"), x.host, x.seq, x.ts_ns, x.cpu,
           x.user, x.system, x.cores);
}

} // namespace kscope
