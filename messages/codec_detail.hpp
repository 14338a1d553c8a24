#pragma once

// Internals shared by the wire codecs (codec.cpp, codec_json.cpp,
// codec_influx.cpp). Not part of the codec's interface.

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "messages/codec.hpp"

namespace kscope::detail {

/// Makes `x` equal to sample{} but keeps the capacity of its strings and
/// vectors for reuse.
inline void clear(sample& x) {
  x.host.clear();
  x.seq = 0;
  x.ts_ns = 0;
  x.cpu = 0;
  x.user = 0;
  x.system = 0;
  x.cores.clear();
  x.metrics = metric_set::only(metric_kind::cpu);
  x.mem = mem_stats{};
  x.nets.clear();
  x.disks.clear();
  x.load = load_stats{};
  x.gpus.clear();
}

/// Checks that `x` is a finite percentage, NaN and infinity first.
inline decode_error check_percent(double x) {
  if (!std::isfinite(x))
    return decode_error::not_finite;
  if (x < 0 || x > 100)
    return decode_error::out_of_range;
  return decode_error::none;
}

/// Checks that `x` is finite and not negative (a load average).
inline decode_error check_level(double x) {
  if (!std::isfinite(x))
    return decode_error::not_finite;
  return x < 0 ? decode_error::out_of_range : decode_error::none;
}

/// Checks a device (interface, disk, GPU) or host name's length.
inline decode_error check_name(std::string_view x) {
  return x.empty() || x.size() > max_host_size ? decode_error::out_of_range
                                               : decode_error::none;
}

/// Appends the shortest text that reads back as exactly `x`.
inline void append_double(std::string& out, double x,
                          std::chars_format fmt = std::chars_format::general) {
  char buf[32];
  auto res = fmt == std::chars_format::general
               ? std::to_chars(buf, buf + sizeof(buf), x)
               : std::to_chars(buf, buf + sizeof(buf), x, fmt);
  out.append(buf, res.ptr);
}

template <class Integer>
void append_integer(std::string& out, Integer x) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), x);
  out.append(buf, res.ptr);
}

/// Parses all of `str` as a number; text left over is invalid_argument.
template <class Number>
std::errc parse_number(std::string_view str, Number& x) {
  auto last = str.data() + str.size();
  auto res = std::from_chars(str.data(), last, x);
  if (res.ec == std::errc{} && res.ptr != last)
    return std::errc::invalid_argument;
  return res.ec;
}

inline decode_error from_errc(std::errc ec) {
  if (ec == std::errc{})
    return decode_error::none;
  if (ec == std::errc::result_out_of_range)
    return decode_error::out_of_range;
  return decode_error::malformed;
}

inline bool is_json_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// A device's counters as (field name, member) pairs, in the alphabetical
/// order Telegraf's sorted output uses: one table for writing, reading and
/// checking each format.
template <class T>
struct counter_field {
  std::string_view name;
  uint64_t T::*member;
};

inline constexpr counter_field<net_stats> net_fields[] = {
  {"bytes_recv", &net_stats::bytes_recv},
  {"bytes_sent", &net_stats::bytes_sent},
  {"drop_in", &net_stats::drop_in},
  {"drop_out", &net_stats::drop_out},
  {"err_in", &net_stats::err_in},
  {"err_out", &net_stats::err_out},
  {"packets_recv", &net_stats::packets_recv},
  {"packets_sent", &net_stats::packets_sent},
};

inline constexpr counter_field<disk_stats> disk_fields[] = {
  {"io_time", &disk_stats::io_time},
  {"iops_in_progress", &disk_stats::iops_in_progress},
  {"merged_reads", &disk_stats::merged_reads},
  {"merged_writes", &disk_stats::merged_writes},
  {"read_bytes", &disk_stats::read_bytes},
  {"read_time", &disk_stats::read_time},
  {"reads", &disk_stats::reads},
  {"weighted_io_time", &disk_stats::weighted_io_time},
  {"write_bytes", &disk_stats::write_bytes},
  {"write_time", &disk_stats::write_time},
  {"writes", &disk_stats::writes},
};

/// Memory fields carried as integers (bytes), alphabetical; the percents
/// are derived and written beside them.
inline constexpr counter_field<mem_stats> mem_fields[] = {
  {"available", &mem_stats::available},
  {"buffered", &mem_stats::buffered},
  {"cached", &mem_stats::cached},
  {"free", &mem_stats::free},
  {"swap_free", &mem_stats::swap_free},
  {"swap_total", &mem_stats::swap_total},
  {"total", &mem_stats::total},
  {"used", &mem_stats::used},
};

/// Finishes a decoded sample's memory: used, when absent, and the swap
/// figures follow from the others; available never exceeds total.
inline decode_error settle_mem(mem_stats& x, bool has_used) {
  if (x.available > x.total || x.swap_free > x.swap_total)
    return decode_error::out_of_range;
  if (!has_used)
    x.used = x.total - x.available;
  if (x.used > x.total)
    return decode_error::out_of_range;
  x.swap_used = x.swap_total - x.swap_free;
  return decode_error::none;
}

/// True when two of `xs` have the same key.
template <class T, class Key>
bool has_duplicate(const std::vector<T>& xs, Key key) {
  for (size_t i = 0; i < xs.size(); ++i)
    for (size_t j = i + 1; j < xs.size(); ++j)
      if (key(xs[i]) == key(xs[j]))
        return true;
  return false;
}

/// Checks the groups of a decoded sample against the limits every consumer
/// relies on: bounded, and no device twice (two readings of one interface
/// in one instant contradict each other).
inline decode_error check_devices(const sample& x) {
  if (x.nets.size() > max_devices || x.disks.size() > max_devices
      || x.gpus.size() > max_devices)
    return decode_error::out_of_range;
  auto name = [](const auto& d) -> const std::string& { return d.name; };
  if (has_duplicate(x.nets, name) || has_duplicate(x.disks, name)
      || has_duplicate(x.gpus, [](const gpu_stats& g) { return g.index; }))
    return decode_error::malformed;
  return decode_error::none;
}

/// JSON writing, shared by the JSON codec and nothing else yet.
void append_json_string(std::string& out, std::string_view str);
void append_json_number(std::string& out, double x);

void encode_json(const sample& x, std::string& out);
decode_error decode_json(std::string_view payload, sample& out);

void encode_influx(const sample& x, std::string& out);

/// Appends the samples of `payload` to `out`; lines of measurements kscope
/// does not draw are counted in `skipped`.
decode_error decode_influx(std::string_view payload, std::vector<sample>& out,
                           size_t& skipped);

/// True when `payload` starts like a line of line protocol: a measurement
/// name, then a comma or a blank.
bool looks_like_influx(std::string_view payload);

} // namespace kscope::detail
