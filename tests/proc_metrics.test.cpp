// The /proc readers behind memory, network, disk and load, on fixture text
// (tests/data/proc/box_t0 and box_t1: the same machine two seconds apart,
// with a counter reset, a wrapped 32-bit counter, a vanished and a new
// interface, and a new disk).

#include <doctest/doctest.h>

#include <algorithm>

#include "actors/logic/panel_values.hpp"
#include "actors/logic/proc_metrics.hpp"
#include "actors/logic/system_meter.hpp"

using namespace kscope;

namespace {

const std::string data_dir = KSCOPE_TEST_DATA "/proc/";

std::vector<std::string> names_of(const std::vector<net_stats>& xs) {
  std::vector<std::string> result;
  for (auto& x : xs)
    result.push_back(x.name);
  return result;
}

std::vector<std::string> names_of(const std::vector<disk_stats>& xs) {
  std::vector<std::string> result;
  for (auto& x : xs)
    result.push_back(x.name);
  return result;
}

} // namespace

TEST_CASE("meminfo: total, available, used = total - available, swap") {
  std::string err;
  auto x = parse_meminfo("MemTotal:       16318480 kB\n"
                         "MemFree:         1234560 kB\n"
                         "MemAvailable:    8159240 kB\n"
                         "Buffers:          204800 kB\n"
                         "Cached:          5120000 kB\n"
                         "HugePages_Total:       0\n"
                         "SwapTotal:       2097148 kB\n"
                         "SwapFree:        1048574 kB\n",
                         &err);
  REQUIRE_MESSAGE(x, err);
  CHECK(x->total == 16318480ull * 1024);
  CHECK(x->available == 8159240ull * 1024);
  CHECK(x->used == (16318480ull - 8159240ull) * 1024);
  CHECK(x->free == 1234560ull * 1024);
  CHECK(x->buffered == 204800ull * 1024);
  CHECK(x->cached == 5120000ull * 1024);
  CHECK(x->swap_total == 2097148ull * 1024);
  CHECK(x->swap_used == (2097148ull - 1048574ull) * 1024);
  CHECK(x->used_percent() == doctest::Approx(50.0).epsilon(0.001));
  CHECK(x->swap_used_percent() == doctest::Approx(50.0).epsilon(0.001));
}

TEST_CASE("meminfo without MemAvailable (before Linux 3.14) estimates it") {
  auto x = parse_meminfo("MemTotal: 1000 kB\nMemFree: 100 kB\n"
                         "Buffers: 50 kB\nCached: 250 kB\n");
  REQUIRE(x);
  CHECK(x->available == 400 * 1024);
  CHECK(x->used == 600 * 1024);
  CHECK(x->swap_total == 0);
  CHECK(x->swap_used_percent() == 0);
}

TEST_CASE("meminfo refuses a missing total and malformed known lines") {
  std::string err;
  CHECK_FALSE(parse_meminfo("MemFree: 100 kB\n", &err));
  CHECK(err == "no MemTotal line in /proc/meminfo");
  CHECK_FALSE(parse_meminfo("MemTotal: -5 kB\n", &err));
  CHECK(err.find("malformed line in /proc/meminfo") != std::string::npos);
  CHECK_FALSE(parse_meminfo("MemTotal: 5 MB\n", &err));
  CHECK_FALSE(parse_meminfo("MemTotal: 99999999999999999999 kB\n", &err));
  // Available above total (a racy read) is capped, never a negative used.
  auto x = parse_meminfo("MemTotal: 100 kB\nMemAvailable: 200 kB\n");
  REQUIRE(x);
  CHECK(x->used == 0);
}

TEST_CASE("net/dev: every interface with the columns Telegraf names") {
  std::string err;
  auto xs = parse_net_dev(
    "Inter-|   Receive                                                |  "
    "Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed "
    "multicast|bytes    packets errs drop fifo colls carrier compressed\n"
    "    lo: 845129302 2276765    0    0    0     0          0         0 "
    "845129302 2276765    0    0    0     0       0          0\n"
    "  eth0: 123030515    3794    1    2    0     0          0         0   "
    "486768    2908    3    4    5     6       7          8\n"
    "wlan0:4294967000 10 0 0 0 0 0 0 1 2 0 0 0 0 0 0\n",
    &err);
  REQUIRE_MESSAGE(xs, err);
  REQUIRE(xs->size() == 3);
  auto& eth = (*xs)[1];
  CHECK(eth.name == "eth0");
  CHECK(eth.bytes_recv == 123030515);
  CHECK(eth.packets_recv == 3794);
  CHECK(eth.err_in == 1);
  CHECK(eth.drop_in == 2);
  CHECK(eth.bytes_sent == 486768);
  CHECK(eth.packets_sent == 2908);
  CHECK(eth.err_out == 3);
  CHECK(eth.drop_out == 4);
  // No blank between the colon and a large counter.
  CHECK((*xs)[2].name == "wlan0");
  CHECK((*xs)[2].bytes_recv == 4294967000u);
  CHECK_FALSE(parse_net_dev("eth0: 1 2 3\n", &err));
  CHECK(err.find("malformed line in /proc/net/dev") != std::string::npos);
  CHECK_FALSE(parse_net_dev(": 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"));
}

TEST_CASE("diskstats: counters of every device, sectors as 512 bytes") {
  std::string err;
  auto xs = parse_diskstats(
    "   8       0 sda 1000 10 20000 300 2000 20 40000 600 0 800 900 0 0 0 0 "
    "0 0\n"
    " 179       0 mmcblk0 10 0 80 1 0 0 0 0 0 1 1\n",
    &err);
  REQUIRE_MESSAGE(xs, err);
  REQUIRE(xs->size() == 2);
  auto& sda = (*xs)[0];
  CHECK(sda.name == "sda");
  CHECK(sda.reads == 1000);
  CHECK(sda.merged_reads == 10);
  CHECK(sda.read_bytes == 20000ull * 512);
  CHECK(sda.read_time == 300);
  CHECK(sda.writes == 2000);
  CHECK(sda.merged_writes == 20);
  CHECK(sda.write_bytes == 40000ull * 512);
  CHECK(sda.write_time == 600);
  CHECK(sda.iops_in_progress == 0);
  CHECK(sda.io_time == 800);
  CHECK(sda.weighted_io_time == 900);
  // A kernel before 2.6.25 printed 4 counters for partitions.
  CHECK_FALSE(parse_diskstats("   8    1 sda1 1 2 3 4\n", &err));
  CHECK(err.find("malformed line in /proc/diskstats") != std::string::npos);
}

TEST_CASE("loadavg: three averages, refused when missing or negative") {
  auto x = parse_loadavg("0.52 0.58 0.59 2/1234 5678\n");
  REQUIRE(x);
  CHECK(x->load1 == 0.52);
  CHECK(x->load5 == 0.58);
  CHECK(x->load15 == 0.59);
  std::string err;
  CHECK_FALSE(parse_loadavg("0.52 0.58\n", &err));
  CHECK(err.find("malformed /proc/loadavg") != std::string::npos);
  CHECK_FALSE(parse_loadavg("-1 0 0 1/1 1\n"));
  CHECK_FALSE(parse_loadavg("nan 0 0 1/1 1\n"));
  CHECK_FALSE(parse_loadavg(""));
}

TEST_CASE("whole disks are charted by default: partitions and virtual "
          "devices are not") {
  for (auto name : {"sda", "sdb", "vda", "xvda", "hdc", "nvme0n1", "mmcblk0",
                    "nbd0", "sdaa"})
    CHECK_MESSAGE(is_whole_disk(name), name);
  for (auto name : {"sda1", "sdaa12", "vda2", "xvda1", "hdc3", "nvme0n1p1",
                    "mmcblk0p2", "loop0", "ram0", "zram0", "dm-0", "md0",
                    "sr0", "fd0"})
    CHECK_MESSAGE(!is_whole_disk(name), name);
}

TEST_CASE("device filters: loopback and partitions left out unless named") {
  device_filter defaults;
  CHECK_FALSE(defaults.keeps_interface("lo"));
  CHECK(defaults.keeps_interface("eth0"));
  CHECK_FALSE(defaults.keeps_disk("sda1"));
  device_filter named{{"lo", "sda1"}};
  CHECK(named.keeps_interface("lo"));
  CHECK_FALSE(named.keeps_interface("eth0"));
  CHECK(named.keeps_disk("sda1"));
  CHECK_FALSE(named.keeps_disk("sda"));
}

TEST_CASE("system_meter reads every kind at one instant from a proc root") {
  system_meter_config cfg;
  cfg.proc_root = data_dir + "box_t0";
  system_meter meter{cfg};
  sample x;
  std::string err;
  REQUIRE_MESSAGE(meter.measure(x, &err), err);
  // CPU needs a second reading; the rest is complete at once.
  CHECK_FALSE(x.metrics.has(metric_kind::cpu));
  CHECK(x.metrics.has(metric_kind::mem));
  CHECK(x.metrics.has(metric_kind::net));
  CHECK(x.metrics.has(metric_kind::disk));
  CHECK(x.metrics.has(metric_kind::load));
  CHECK_FALSE(x.metrics.has(metric_kind::gpu));
  CHECK(x.mem.total == 16318480ull * 1024);
  CHECK(names_of(x.nets)
        == std::vector<std::string>{"eth0", "wlan0", "docker0"});
  CHECK(names_of(x.disks)
        == std::vector<std::string>{"sda", "nvme0n1", "mmcblk0"});
  CHECK(x.load.load1 == 0.52);
  CHECK(x.load.n_cpus == 4);
  REQUIRE_MESSAGE(meter.measure(x, &err), err);
  CHECK(x.metrics.has(metric_kind::cpu));
}

TEST_CASE("system_meter samples only the kinds asked for, and names a file "
          "it cannot read") {
  system_meter_config cfg;
  cfg.proc_root = data_dir + "box_t0";
  cfg.metrics = metric_set::only(metric_kind::mem);
  cfg.metrics.add(metric_kind::gpu);
  cfg.gpus = [] {
    gpu_stats g;
    g.name = "Fake GPU";
    g.utilization = 42;
    return std::vector<gpu_stats>{g};
  };
  system_meter meter{cfg};
  sample x;
  REQUIRE(meter.measure(x));
  CHECK(to_string(x.metrics) == "mem,gpu");
  CHECK(x.nets.empty());
  REQUIRE(x.gpus.size() == 1);
  CHECK(x.gpus[0].utilization == 42);
  cfg.proc_root = data_dir + "four_cores"; // has stat only
  cfg.metrics = metric_set::defaults();
  system_meter partial{cfg};
  std::string err;
  CHECK_FALSE(partial.measure(x, &err));
  CHECK(err.find("four_cores/meminfo") != std::string::npos);
}

TEST_CASE("metric kinds and sets have stable names") {
  CHECK(to_string(metric_set::defaults()) == "cpu,mem,net,disk,load");
  for (size_t i = 0; i < metric_kind_count; ++i) {
    auto kind = static_cast<metric_kind>(i);
    CHECK(parse_metric_kind(to_string(kind)) == kind);
  }
  CHECK_FALSE(parse_metric_kind("memory"));
}

TEST_CASE("two readings of a machine two seconds apart: rates where the "
          "counters moved on, a gap where one reset or a device came or "
          "went") {
  auto reading = [](const char* dir, int64_t ts_ns) {
    system_meter_config cfg;
    cfg.proc_root = data_dir + dir;
    system_meter meter{cfg};
    sample x;
    std::string err;
    REQUIRE_MESSAGE(meter.measure(x, &err), err);
    x.host = "box";
    x.ts_ns = ts_ns;
    return x;
  };
  counter_rates rates;
  auto t0 = reading("box_t0", 0);
  auto t1 = reading("box_t1", 2'000'000'000);
  values_of(t0, &rates);
  // box_t1: wlan0's 32-bit counter wrapped, docker0 vanished, veth1
  // appeared; sda was reset, sdb appeared. Neither panel gets a point
  // rather than a negative or a huge one.
  auto at_t1 = values_of(t1, &rates);
  CHECK_FALSE(at_t1[static_cast<size_t>(metric_kind::net)]);
  CHECK_FALSE(at_t1[static_cast<size_t>(metric_kind::disk)]);
  // The next reading measures from t1: eth0 moved on 2,000,000 bytes
  // received and 200,000 sent in 2 s, wlan0 and veth1 nothing.
  auto t2 = t1;
  t2.ts_ns = 4'000'000'000;
  for (auto& n : t2.nets)
    if (n.name == "eth0") {
      n.bytes_recv += 2'000'000;
      n.bytes_sent += 200'000;
    }
  auto at_t2 = values_of(t2, &rates);
  REQUIRE(at_t2[static_cast<size_t>(metric_kind::net)]);
  CHECK(at_t2[static_cast<size_t>(metric_kind::net)]->value == 1'100'000);
  REQUIRE(at_t2[static_cast<size_t>(metric_kind::disk)]);
  CHECK(at_t2[static_cast<size_t>(metric_kind::disk)]->value == 0);
  // The load moved between the readings; it is a level, not a counter.
  CHECK(at_t1[static_cast<size_t>(metric_kind::load)]->value == 1.52);
}
