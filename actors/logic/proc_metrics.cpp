#include "actors/logic/proc_metrics.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "actors/logic/proc_text.hpp"

namespace kscope {

using namespace proc_text;

namespace {

/// Calls `f` with each line of `text`, without its newline; stops when `f`
/// returns false and returns false then.
template <class F>
bool for_each_line(std::string_view text, F f) {
  while (!text.empty()) {
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!f(line))
      return false;
  }
  return true;
}

/// Reads `n` numbers from the front of `rest` into `out`.
template <size_t N>
bool read_numbers(std::string_view& rest, std::array<uint64_t, N>& out) {
  for (auto& x : out)
    if (!parse_number(next_token(rest), x))
      return false;
  return true;
}

/// Saturating difference: a counter that went backwards gives 0.
uint64_t minus(uint64_t x, uint64_t y) {
  return x >= y ? x - y : 0;
}

bool ends_with_digit(std::string_view s) {
  return !s.empty() && s.back() >= '0' && s.back() <= '9';
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

} // namespace

std::optional<mem_stats> parse_meminfo(std::string_view text,
                                       std::string* err) {
  mem_stats result;
  bool has_total = false;
  bool has_available = false;
  struct field {
    std::string_view key;
    uint64_t mem_stats::*member;
    bool* seen;
  };
  const field fields[] = {
    {"MemTotal", &mem_stats::total, &has_total},
    {"MemAvailable", &mem_stats::available, &has_available},
    {"MemFree", &mem_stats::free, nullptr},
    {"Buffers", &mem_stats::buffered, nullptr},
    {"Cached", &mem_stats::cached, nullptr},
    {"SwapTotal", &mem_stats::swap_total, nullptr},
    {"SwapFree", &mem_stats::swap_free, nullptr},
  };
  bool ok = for_each_line(text, [&](std::string_view line) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos)
      return true;
    auto key = line.substr(0, colon);
    auto it = std::find_if(std::begin(fields), std::end(fields),
                           [&](const field& f) { return f.key == key; });
    if (it == std::end(fields))
      return true;
    auto rest = line.substr(colon + 1);
    uint64_t kib = 0;
    auto unit = std::string_view{};
    if (!parse_number(next_token(rest), kib)
        || ((unit = next_token(rest)) != "kB" && !unit.empty())
        || kib > UINT64_MAX / 1024)
      return fail(err, "malformed line in /proc/meminfo: " + quoted(line));
    result.*(it->member) = kib * 1024;
    if (it->seen != nullptr)
      *it->seen = true;
    return true;
  });
  if (!ok)
    return std::nullopt;
  if (!has_total) {
    fail(err, "no MemTotal line in /proc/meminfo");
    return std::nullopt;
  }
  if (!has_available)
    result.available = std::min(result.total, result.free + result.buffered
                                                + result.cached);
  result.available = std::min(result.available, result.total);
  result.used = minus(result.total, result.available);
  result.swap_free = std::min(result.swap_free, result.swap_total);
  result.swap_used = minus(result.swap_total, result.swap_free);
  return result;
}

std::optional<std::vector<net_stats>> parse_net_dev(std::string_view text,
                                                    std::string* err) {
  std::vector<net_stats> result;
  bool ok = for_each_line(text, [&](std::string_view line) {
    auto colon = line.find(':');
    // The two header lines have '|' and no ':'.
    if (colon == std::string_view::npos)
      return true;
    auto name = line.substr(0, colon);
    while (!name.empty() && is_blank(name.front()))
      name.remove_prefix(1);
    auto rest = line.substr(colon + 1);
    std::array<uint64_t, 16> v{};
    if (name.empty() || !read_numbers(rest, v))
      return fail(err, "malformed line in /proc/net/dev: " + quoted(line));
    net_stats x;
    x.name = std::string{name};
    // Receive: bytes packets errs drop fifo frame compressed multicast;
    // transmit: bytes packets errs drop fifo colls carrier compressed.
    x.bytes_recv = v[0];
    x.packets_recv = v[1];
    x.err_in = v[2];
    x.drop_in = v[3];
    x.bytes_sent = v[8];
    x.packets_sent = v[9];
    x.err_out = v[10];
    x.drop_out = v[11];
    result.push_back(std::move(x));
    return true;
  });
  if (!ok)
    return std::nullopt;
  return result;
}

std::optional<std::vector<disk_stats>> parse_diskstats(std::string_view text,
                                                       std::string* err) {
  std::vector<disk_stats> result;
  bool ok = for_each_line(text, [&](std::string_view line) {
    auto rest = line;
    uint64_t major = 0;
    uint64_t minor = 0;
    auto first = next_token(rest);
    if (first.empty())
      return true; // a blank line
    std::array<uint64_t, 11> v{};
    auto name = std::string_view{};
    if (!parse_number(first, major) || !parse_number(next_token(rest), minor)
        || (name = next_token(rest)).empty() || !read_numbers(rest, v))
      return fail(err, "malformed line in /proc/diskstats: " + quoted(line));
    constexpr uint64_t sector = 512;
    disk_stats x;
    x.name = std::string{name};
    x.reads = v[0];
    x.merged_reads = v[1];
    x.read_bytes = v[2] > UINT64_MAX / sector ? UINT64_MAX : v[2] * sector;
    x.read_time = v[3];
    x.writes = v[4];
    x.merged_writes = v[5];
    x.write_bytes = v[6] > UINT64_MAX / sector ? UINT64_MAX : v[6] * sector;
    x.write_time = v[7];
    x.iops_in_progress = v[8];
    x.io_time = v[9];
    x.weighted_io_time = v[10];
    result.push_back(std::move(x));
    return true;
  });
  if (!ok)
    return std::nullopt;
  return result;
}

std::optional<load_stats> parse_loadavg(std::string_view text,
                                        std::string* err) {
  load_stats result;
  auto rest = text;
  for (double* x : {&result.load1, &result.load5, &result.load15}) {
    auto token = next_token(rest);
    auto last = token.data() + token.size();
    auto [ptr, ec] = std::from_chars(token.data(), last, *x);
    if (token.empty() || ec != std::errc{} || ptr != last || !std::isfinite(*x)
        || *x < 0) {
      fail(err, "malformed /proc/loadavg: " + quoted(text));
      return std::nullopt;
    }
  }
  return result;
}

bool is_whole_disk(std::string_view name) {
  for (auto prefix : {"loop", "ram", "zram", "dm-", "md", "sr", "fd"})
    if (starts_with(name, prefix))
      return false;
  if (!ends_with_digit(name))
    return true;
  auto base = name;
  while (ends_with_digit(base))
    base.remove_suffix(1);
  // nvme0n1p2, mmcblk0p1: a 'p' after a digit, then the partition number.
  if (base.size() >= 2 && base.back() == 'p'
      && ends_with_digit(base.substr(0, base.size() - 1)))
    return false;
  // sda1, vdb2, xvda1, hdc3: letters naming the disk, then the number.
  for (auto prefix : {"sd", "hd", "vd", "xvd"}) {
    if (starts_with(base, prefix) && base.size() > std::string_view{prefix}.size())
      return false;
  }
  return true;
}

bool device_filter::keeps_interface(std::string_view name) const {
  if (names.empty())
    return name != "lo";
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool device_filter::keeps_disk(std::string_view name) const {
  if (names.empty())
    return is_whole_disk(name);
  return std::find(names.begin(), names.end(), name) != names.end();
}

void filter_interfaces(std::vector<net_stats>& xs,
                       const device_filter& filter) {
  xs.erase(std::remove_if(xs.begin(), xs.end(),
                          [&](const net_stats& x) {
                            return !filter.keeps_interface(x.name);
                          }),
           xs.end());
}

void filter_disks(std::vector<disk_stats>& xs, const device_filter& filter) {
  xs.erase(std::remove_if(xs.begin(), xs.end(),
                          [&](const disk_stats& x) {
                            return !filter.keeps_disk(x.name);
                          }),
           xs.end());
}

} // namespace kscope
