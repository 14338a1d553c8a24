#pragma once

// What each panel draws for a sample: CPU %, memory used %, network and
// disk throughput (rates of cumulative counters), load, GPU %. Pure logic.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "messages/sample.hpp"

namespace kscope {

/// Rates per second of cumulative counters, one baseline per key (host and
/// device). A counter that goes backwards (a reset, a 32-bit wrap, a device
/// that vanished and came back) gives no rate for that interval, never a
/// negative or huge one: the reading becomes the new baseline.
class counter_rates {
public:
  /// Most keys tracked (64 hosts x 256 devices); a new key beyond them
  /// starts the table over.
  static constexpr size_t max_keys = 16384;

  /// Rates of `a` and `b` since the last reading under `key`, into `ra`
  /// and `rb`. False on the first reading, when time did not move forward,
  /// or when either counter went backwards. The reading becomes the
  /// baseline in every case.
  bool update(const std::string& key, int64_t ts_ns, uint64_t a, uint64_t b,
              double& ra, double& rb);

  /// Forgets keys last read before `ts_ns` (devices and hosts gone).
  void forget_before(int64_t ts_ns);

  size_t size() const noexcept {
    return baselines_.size();
  }

private:
  struct baseline {
    int64_t ts_ns = 0;
    uint64_t a = 0;
    uint64_t b = 0;
  };
  std::unordered_map<std::string, baseline> baselines_;
};

/// The value a panel draws for one sample and what it stands for.
struct panel_value {
  double value = 0;
  std::string detail;
  /// The two parts of a sum (received and sent, read and written; for GPUs
  /// the sum of utilisations and their number), so values of one host and
  /// instant that arrive apart (Telegraf sends a message per interface)
  /// can be added up.
  double a = 0;
  double b = 0;
};

/// The value of `kind` for parts `a` and `b` added up over every message
/// of one host and instant, with its detail; `latest` gives what the parts
/// do not (a GPU's memory).
panel_value combine(metric_kind kind, double a, double b,
                    const panel_value& latest);

/// The values of one sample, by metric kind: empty where the sample holds
/// nothing for that panel, or (for throughput) no rate yet.
using panel_values = std::array<std::optional<panel_value>, metric_kind_count>;

/// Computes what each panel draws for `x`:
/// - cpu: busy %;
/// - mem: used % = 100 * (total - available) / total, detail "used 3.1 GiB
///   of 15.6 GiB";
/// - net: bytes received + sent per second over every interface sent
///   (producers leave loopback out by default), detail "rx 1.2 MB/s tx
///   300 kB/s";
/// - disk: bytes read + written per second over whole disks (all disks
///   when none is whole), detail "read ... write ...";
/// - load: the 1-minute load average, detail "1.20 0.90 0.80 / 4 cpus";
/// - gpu: mean utilisation % over the GPUs, detail "2 GPUs, 3.0 of 16 GiB".
/// Throughput needs the previous reading of every device in `rates` (none
/// without it); a device seen for the first time or reset leaves that
/// host's point out once.
panel_values values_of(const sample& x, counter_rates* rates);

/// "1.2 MB/s": bytes per second in SI units.
std::string format_rate(double bytes_per_s);

/// "3.1 GiB": bytes in binary units.
std::string format_bytes(double bytes);

/// "1.5M", "750k", "12": a short SI label for an axis tick.
std::string format_si(double x);

} // namespace kscope
