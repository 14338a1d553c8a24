#include "actors/logic/panel_values.hpp"

#include <cmath>
#include <cstdio>

#include "actors/logic/proc_metrics.hpp"

namespace kscope {

namespace {

/// Sums the rates of every device `keep` accepts; false when one of them
/// has no rate this time.
template <class Device, class Keep>
bool sum_rates(const sample& x, std::string_view kind,
               const std::vector<Device>& devices, uint64_t Device::*a,
               uint64_t Device::*b, Keep keep, counter_rates& rates,
               double& sum_a, double& sum_b) {
  sum_a = 0;
  sum_b = 0;
  bool complete = true;
  std::string key;
  for (auto& d : devices) {
    if (!keep(d.name))
      continue;
    key.assign(x.host);
    key += '\x1f';
    key += kind;
    key += '\x1f';
    key += d.name;
    double ra = 0;
    double rb = 0;
    // Every device updates its baseline, even after one failed.
    if (rates.update(key, x.ts_ns, d.*a, d.*b, ra, rb)) {
      sum_a += ra;
      sum_b += rb;
    } else {
      complete = false;
    }
  }
  return complete;
}

std::string format_scaled(double x, double base, const char* const* units,
                          size_t count, const char* suffix) {
  size_t i = 0;
  while (std::fabs(x) >= base && i + 1 < count) {
    x /= base;
    ++i;
  }
  char buf[48];
  std::snprintf(buf, sizeof(buf), x < 10 && i > 0 ? "%.1f %s%s" : "%.0f %s%s",
                x, units[i], suffix);
  return buf;
}

} // namespace

bool counter_rates::update(const std::string& key, int64_t ts_ns, uint64_t a,
                           uint64_t b, double& ra, double& rb) {
  auto i = baselines_.find(key);
  if (i == baselines_.end()) {
    // Full (a flood of device or host names, or churn between expiries):
    // start over. Every host loses one point, none is blocked for good.
    if (baselines_.size() >= max_keys)
      baselines_.clear();
    baselines_.emplace(key, baseline{ts_ns, a, b});
    return false;
  }
  auto& base = i->second;
  bool ok = ts_ns > base.ts_ns && a >= base.a && b >= base.b;
  if (ok) {
    // In doubles: two timestamps far apart must not overflow int64.
    auto dt = (static_cast<double>(ts_ns) - static_cast<double>(base.ts_ns))
              / 1e9;
    ra = static_cast<double>(a - base.a) / dt;
    rb = static_cast<double>(b - base.b) / dt;
  }
  base = baseline{ts_ns, a, b};
  return ok;
}

void counter_rates::forget_before(int64_t ts_ns) {
  for (auto i = baselines_.begin(); i != baselines_.end();)
    i = i->second.ts_ns < ts_ns ? baselines_.erase(i) : std::next(i);
}

panel_values values_of(const sample& x, counter_rates* rates) {
  panel_values out;
  const auto& m = x.metrics;
  if (m.has(metric_kind::cpu))
    out[static_cast<size_t>(metric_kind::cpu)] = panel_value{x.cpu, {}};
  if (m.has(metric_kind::mem) && x.mem.total > 0) {
    auto used = x.mem.total - std::min(x.mem.available, x.mem.total);
    out[static_cast<size_t>(metric_kind::mem)] = panel_value{
      100.0 * static_cast<double>(used) / static_cast<double>(x.mem.total),
      "used " + format_bytes(static_cast<double>(used)) + " of "
        + format_bytes(static_cast<double>(x.mem.total))};
  }
  if (m.has(metric_kind::net) && rates != nullptr) {
    double rx = 0;
    double tx = 0;
    // Every interface sent: the producer left loopback out unless asked.
    auto keep = [](const std::string&) { return true; };
    if (sum_rates(x, "net", x.nets, &net_stats::bytes_recv,
                  &net_stats::bytes_sent, keep, *rates, rx, tx))
      out[static_cast<size_t>(metric_kind::net)] = panel_value{
        rx + tx, "rx " + format_rate(rx) + " tx " + format_rate(tx), rx, tx};
  }
  if (m.has(metric_kind::disk) && rates != nullptr) {
    // Partitions and device-mapper volumes count the same I/O again; a
    // producer that sends only those (--disks sda1) is summed as it is.
    bool any_whole = false;
    for (auto& d : x.disks)
      any_whole |= is_whole_disk(d.name);
    auto keep = [any_whole](const std::string& name) {
      return !any_whole || is_whole_disk(name);
    };
    double rd = 0;
    double wr = 0;
    if (sum_rates(x, "disk", x.disks, &disk_stats::read_bytes,
                  &disk_stats::write_bytes, keep, *rates, rd, wr))
      out[static_cast<size_t>(metric_kind::disk)] = panel_value{
        rd + wr, "read " + format_rate(rd) + " write " + format_rate(wr), rd,
        wr};
  }
  if (m.has(metric_kind::load)) {
    char buf[96];
    std::snprintf(buf, sizeof(buf), "%.2f %.2f %.2f / %u cpus", x.load.load1,
                  x.load.load5, x.load.load15, x.load.n_cpus);
    out[static_cast<size_t>(metric_kind::load)] = panel_value{x.load.load1,
                                                              buf};
  }
  if (m.has(metric_kind::gpu) && !x.gpus.empty()) {
    double sum = 0;
    double used = 0;
    double total = 0;
    for (auto& g : x.gpus) {
      sum += g.utilization;
      used += static_cast<double>(g.memory_used);
      total += static_cast<double>(g.memory_total);
    }
    auto n = x.gpus.size();
    out[static_cast<size_t>(metric_kind::gpu)] = panel_value{
      sum / static_cast<double>(n),
      std::to_string(n) + (n == 1 ? " GPU, " : " GPUs, ") + format_bytes(used)
        + " of " + format_bytes(total),
      sum, static_cast<double>(n)};
  }
  return out;
}

panel_value combine(metric_kind kind, double a, double b,
                    const panel_value& latest) {
  switch (kind) {
    case metric_kind::net:
      return {a + b, "rx " + format_rate(a) + " tx " + format_rate(b), a, b};
    case metric_kind::disk:
      return {a + b, "read " + format_rate(a) + " write " + format_rate(b), a,
              b};
    case metric_kind::gpu:
      return {b > 0 ? a / b : 0, latest.detail, a, b};
    default:
      return latest;
  }
}

std::string format_rate(double bytes_per_s) {
  static const char* const units[] = {"", "k", "M", "G", "T", "P"};
  return format_scaled(bytes_per_s, 1000, units, 6, "B/s");
}

std::string format_bytes(double bytes) {
  static const char* const units[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi"};
  return format_scaled(bytes, 1024, units, 6, "B");
}

std::string format_si(double x) {
  static const char* const units[] = {"", "k", "M", "G", "T", "P"};
  size_t i = 0;
  while (std::fabs(x) >= 1000 && i + 1 < 6) {
    x /= 1000;
    ++i;
  }
  char buf[32];
  if (x == std::floor(x))
    std::snprintf(buf, sizeof(buf), "%.0f%s", x, units[i]);
  else
    std::snprintf(buf, sizeof(buf), "%.1f%s", x, units[i]);
  return buf;
}

} // namespace kscope
