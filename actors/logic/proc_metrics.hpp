#pragma once

// Readers for the /proc files behind memory, network, disk and load. Each
// parser is pure (text in, struct out) so fixture text tests it; the files
// are read by system_meter.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/metrics.hpp"

namespace kscope {

/// Parses /proc/meminfo (values in kB) into bytes. MemTotal is required;
/// without MemAvailable (kernels before 3.14) available is estimated as
/// MemFree + Buffers + Cached. Returns std::nullopt and sets `*err` when
/// MemTotal is missing or a known line is malformed.
std::optional<mem_stats> parse_meminfo(std::string_view text,
                                       std::string* err = nullptr);

/// Parses /proc/net/dev: every interface, in file order. Returns
/// std::nullopt and sets `*err` when an interface line is malformed.
std::optional<std::vector<net_stats>> parse_net_dev(std::string_view text,
                                                    std::string* err
                                                    = nullptr);

/// Parses /proc/diskstats: every device, in file order (sectors counted as
/// 512 bytes, as the kernel does there). Returns std::nullopt and sets
/// `*err` when a line is malformed.
std::optional<std::vector<disk_stats>> parse_diskstats(std::string_view text,
                                                       std::string* err
                                                       = nullptr);

/// Parses /proc/loadavg's three averages; n_cpus stays 0. Returns
/// std::nullopt and sets `*err` when they are missing or malformed.
std::optional<load_stats> parse_loadavg(std::string_view text,
                                        std::string* err = nullptr);

/// True for a whole disk worth charting by default: not a partition (sda1,
/// nvme0n1p2, mmcblk0p1), nor a loop, ram, zram, device-mapper, md RAID,
/// optical or floppy device (those count their I/O twice or not at all).
bool is_whole_disk(std::string_view name);

/// Which devices a reader keeps: when `names` is empty, the defaults
/// (interfaces but loopback; whole disks); otherwise exactly those named.
struct device_filter {
  std::vector<std::string> names;

  bool keeps_interface(std::string_view name) const;
  bool keeps_disk(std::string_view name) const;
};

/// Keeps the interfaces `filter` keeps, in order.
void filter_interfaces(std::vector<net_stats>& xs, const device_filter& filter);

/// Keeps the disks `filter` keeps, in order.
void filter_disks(std::vector<disk_stats>& xs, const device_filter& filter);

} // namespace kscope
