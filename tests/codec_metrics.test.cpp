// The wire formats for memory, network, disk, load and GPU: golden text in
// Telegraf's measurements, Telegraf's own documented output read back, and
// JSON round trips.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "messages/codec.hpp"

using namespace kscope;

namespace {

/// A sample of every kind, with numbers whose text is exact.
sample full_sample() {
  sample x;
  x.host = "h1";
  x.seq = 7;
  x.ts_ns = 1700000000000000000;
  x.cpu = 25;
  x.user = 15;
  x.system = 10;
  x.cores = {20, 30};
  x.metrics = metric_set::defaults();
  x.metrics.add(metric_kind::gpu);
  x.mem.total = 8000;
  x.mem.available = 6000;
  x.mem.used = 2000;
  x.mem.free = 1000;
  x.mem.buffered = 500;
  x.mem.cached = 3000;
  x.mem.swap_total = 4000;
  x.mem.swap_free = 3000;
  x.mem.swap_used = 1000;
  net_stats eth;
  eth.name = "eth0";
  eth.bytes_recv = 100;
  eth.bytes_sent = 200;
  eth.packets_recv = 3;
  eth.packets_sent = 4;
  eth.drop_in = 1;
  eth.drop_out = 2;
  x.nets = {eth};
  disk_stats sda;
  sda.name = "sda";
  sda.reads = 10;
  sda.writes = 20;
  sda.read_bytes = 5120;
  sda.write_bytes = 10240;
  sda.read_time = 7;
  sda.write_time = 8;
  sda.io_time = 9;
  sda.weighted_io_time = 11;
  sda.iops_in_progress = 1;
  sda.merged_reads = 2;
  sda.merged_writes = 3;
  x.disks = {sda};
  x.load = {0.5, 0.25, 0.125, 4};
  gpu_stats gpu;
  gpu.name = "Tesla T4";
  gpu.utilization = 42;
  gpu.memory_used = 1024ull * 1024 * 1024;
  gpu.memory_total = 16ull * 1024 * 1024 * 1024;
  x.gpus = {gpu};
  return x;
}

constexpr std::string_view golden_full_influx
  = "cpu,cpu=cpu-total,host=h1 usage_idle=75,usage_user=15,usage_system=10,"
    "seq=7i 1700000000000000000\n"
    "cpu,cpu=cpu0,host=h1 usage_idle=80,seq=7i 1700000000000000000\n"
    "cpu,cpu=cpu1,host=h1 usage_idle=70,seq=7i 1700000000000000000\n"
    "mem,host=h1 available=6000i,available_percent=75,buffered=500i,"
    "cached=3000i,free=1000i,swap_free=3000i,swap_total=4000i,total=8000i,"
    "used=2000i,used_percent=25,seq=7i 1700000000000000000\n"
    "swap,host=h1 free=3000i,total=4000i,used=1000i,used_percent=25,seq=7i "
    "1700000000000000000\n"
    "net,host=h1,interface=eth0 bytes_recv=100i,bytes_sent=200i,drop_in=1i,"
    "drop_out=2i,err_in=0i,err_out=0i,packets_recv=3i,packets_sent=4i,seq=7i "
    "1700000000000000000\n"
    "diskio,host=h1,name=sda io_time=9i,iops_in_progress=1i,merged_reads=2i,"
    "merged_writes=3i,read_bytes=5120i,read_time=7i,reads=10i,"
    "weighted_io_time=11i,write_bytes=10240i,write_time=8i,writes=20i,seq=7i "
    "1700000000000000000\n"
    "system,host=h1 load1=0.5,load15=0.125,load5=0.25,n_cpus=4i,seq=7i "
    "1700000000000000000\n"
    "nvidia_smi,host=h1,index=0,name=Tesla\\ T4 memory_free=15360i,"
    "memory_total=16384i,memory_used=1024i,utilization_gpu=42i,seq=7i "
    "1700000000000000000";

// Telegraf's documented example output, verbatim from each input's README
// (influxdata/telegraf plugins/inputs/*/README.md).
constexpr std::string_view telegraf_mem
  = "mem active=9299595264i,available=16818249728i,available_percent=80."
    "41654254645131,buffered=2383761408i,cached=13316689920i,commit_limit="
    "14751920128i,committed_as=11781156864i,dirty=122880i,free=1877688320i,"
    "high_free=0i,high_total=0i,huge_page_size=2097152i,huge_pages_free=0i,"
    "huge_pages_total=0i,inactive=7549939712i,low_free=0i,low_total=0i,"
    "mapped=416763904i,page_tables=19787776i,shared=670679040i,slab="
    "2081071104i,sreclaimable=1923395584i,sunreclaim=157675520i,swap_cached="
    "1302528i,swap_free=4286128128i,swap_total=4294963200i,total="
    "20913917952i,used=3335778304i,used_percent=15.95004011996231,"
    "vmalloc_chunk=0i,vmalloc_total=35184372087808i,vmalloc_used=0i,"
    "write_back=0i,write_back_tmp=0i 1574712869000000000\n";

constexpr std::string_view telegraf_swap
  = "swap total=20855394304i,used_percent=45.43883523785713,used=9476448256i,"
    "free=1715331072i 1511894782000000000\n";

constexpr std::string_view telegraf_net
  = "net,interface=eth0,host=HOST bytes_sent=451838509i,bytes_recv="
    "3284081640i,packets_sent=2663590i,packets_recv=3585442i,err_in=0i,"
    "err_out=0i,drop_in=4i,drop_out=0i 1492834180000000000\n"
    "net,interface=all,host=HOST ip_reasmfails=0i,icmp_insrcquenchs=0i,"
    "tcp_retranssegs=14669i 1492831540000000000\n";

constexpr std::string_view telegraf_diskio
  = "diskio,name=sda1 merged_reads=0i,reads=2353i,writes=10i,write_bytes="
    "2117632i,write_time=49i,io_time=1271i,weighted_io_time=1350i,"
    "read_bytes=31350272i,read_time=1303i,iops_in_progress=0i,merged_writes="
    "0i 1578326400000000000\n"
    "diskio,name=centos/var_log reads=1063077i,writes=591025i,read_bytes="
    "139325491712i,write_bytes=144233131520i,read_time=650221i,write_time="
    "24368817i,io_time=852490i,weighted_io_time=25037394i,iops_in_progress="
    "1i,merged_reads=0i,merged_writes=0i 1578326400000000000\n"
    "diskio,name=sda write_time=49i,io_time=1317i,weighted_io_time=1404i,"
    "reads=2495i,read_time=1357i,write_bytes=2117632i,iops_in_progress=0i,"
    "merged_reads=0i,merged_writes=0i,writes=10i,read_bytes=38956544i "
    "1578326400000000000\n";

constexpr std::string_view telegraf_system
  = "system,host=tyrion load1=3.72,load5=2.4,load15=2.1,n_users=3i,"
    "n_cpus=4i 1483964144000000000\n"
    "system,host=tyrion uptime=1249632i 1483964144000000000\n"
    "system,host=tyrion uptime_format=\"14 days, 11:07\" "
    "1483964144000000000\n";

constexpr std::string_view telegraf_gpu
  = "nvidia_smi,compute_mode=Default,host=8218cf,index=0,name=GeForce\\ GTX\\ "
    "1070,pstate=P2,uuid=GPU-823bc202-6279-6f2c-d729-868a30f14d96 "
    "fan_speed=100i,memory_free=7563i,memory_total=8112i,memory_used=549i,"
    "temperature_gpu=53i,utilization_gpu=100i,utilization_memory=90i "
    "1523991122000000000\n"
    "nvidia_smi,compute_mode=Default,host=8218cf,index=1,name=GeForce\\ GTX\\ "
    "1080,pstate=P2,uuid=GPU-f9ba66fc-a7f5-94c5-da19-019ef2f9c665 "
    "fan_speed=100i,memory_free=7557i,memory_total=8114i,memory_used=557i,"
    "temperature_gpu=50i,utilization_gpu=100i,utilization_memory=85i "
    "1523991122000000000\n";

std::vector<sample> decode_all_of(std::string_view payload,
                                  size_t* skipped = nullptr,
                                  decode_error expected = decode_error::none) {
  std::vector<sample> out;
  wire_format fmt = wire_format::seed;
  auto err = decode_all(payload, out, &fmt, skipped);
  CHECK(err == expected);
  if (err == decode_error::none)
    CHECK(fmt == wire_format::influx);
  return out;
}

constexpr uint64_t mib = 1024 * 1024;

} // namespace

TEST_CASE("influx writes every kind as Telegraf's measurements, golden") {
  std::string out;
  encode(wire_format::influx, full_sample(), out);
  CHECK(out == golden_full_influx);
}

TEST_CASE("influx reads back every kind kscope writes") {
  std::vector<sample> xs;
  REQUIRE(decode_all(golden_full_influx, xs) == decode_error::none);
  REQUIRE(xs.size() == 1);
  auto expected = full_sample();
  // GPU memory travels in whole MiB, as nvidia-smi reports it.
  CHECK(xs[0] == expected);
}

TEST_CASE("influx writes only the kinds sampled") {
  auto x = full_sample();
  x.metrics = metric_set::only(metric_kind::load);
  std::string out;
  encode(wire_format::influx, x, out);
  CHECK(out
        == "system,host=h1 load1=0.5,load15=0.125,load5=0.25,n_cpus=4i,seq=7i "
           "1700000000000000000");
  std::vector<sample> xs;
  REQUIRE(decode_all(out, xs) == decode_error::none);
  REQUIRE(xs.size() == 1);
  CHECK(to_string(xs[0].metrics) == "load");
  CHECK(xs[0].seq == 7);
}

TEST_CASE("Telegraf's mem and swap lines are read as documented") {
  auto xs = decode_all_of(std::string{telegraf_mem} + std::string{telegraf_swap});
  // The swap line is of another instant and carries nothing the mem line
  // does not (Telegraf's mem has swap_total and swap_free): no sample of
  // its own.
  REQUIRE(xs.size() == 1);
  auto& m = xs[0].mem;
  CHECK(xs[0].metrics == metric_set::only(metric_kind::mem));
  CHECK(m.total == 20913917952u);
  CHECK(m.available == 16818249728u);
  CHECK(m.used == 3335778304u);
  CHECK(m.free == 1877688320u);
  CHECK(m.buffered == 2383761408u);
  CHECK(m.cached == 13316689920u);
  CHECK(m.swap_total == 4294963200u);
  CHECK(m.swap_used == 4294963200u - 4286128128u);
  CHECK(xs[0].ts_ns == 1574712869000000000);
  // With the mem line of its instant, the swap line's figures win.
  auto same_instant = std::string{telegraf_mem.substr(0, telegraf_mem.size() - 21)}
                      + " 1\nswap total=2000i,free=500i 1";
  xs = decode_all_of(same_instant);
  REQUIRE(xs.size() == 1);
  CHECK(xs[0].mem.swap_total == 2000);
  CHECK(xs[0].mem.swap_used == 1500);
}

TEST_CASE("Telegraf's one-line messages decode one by one") {
  size_t skipped = 0;
  auto xs = decode_all_of(telegraf_mem, &skipped);
  REQUIRE(xs.size() == 1);
  CHECK(skipped == 0);
  // A per-core line alone (Telegraf sends each line as its own message)
  // has no total beside it: skipped and counted, not malformed.
  xs = decode_all_of("cpu,cpu=cpu3,host=t usage_idle=90 1", &skipped);
  CHECK(xs.empty());
  CHECK(skipped == 1);
}

TEST_CASE("Telegraf's net lines: one interface, the protocol line skipped") {
  size_t skipped = 0;
  auto xs = decode_all_of(telegraf_net, &skipped);
  REQUIRE(xs.size() == 1);
  CHECK(skipped == 1);
  CHECK(xs[0].host == "HOST");
  REQUIRE(xs[0].nets.size() == 1);
  auto& n = xs[0].nets[0];
  CHECK(n.name == "eth0");
  CHECK(n.bytes_sent == 451838509);
  CHECK(n.bytes_recv == 3284081640u);
  CHECK(n.packets_sent == 2663590);
  CHECK(n.packets_recv == 3585442);
  CHECK(n.drop_in == 4);
}

TEST_CASE("Telegraf's diskio lines: every device of one instant") {
  auto xs = decode_all_of(telegraf_diskio);
  REQUIRE(xs.size() == 1);
  REQUIRE(xs[0].disks.size() == 3);
  CHECK(xs[0].disks[0].name == "sda1");
  CHECK(xs[0].disks[1].name == "centos/var_log");
  CHECK(xs[0].disks[1].read_bytes == 139325491712u);
  CHECK(xs[0].disks[1].iops_in_progress == 1);
  CHECK(xs[0].disks[2].name == "sda");
  CHECK(xs[0].disks[2].read_bytes == 38956544);
  CHECK(xs[0].disks[2].writes == 10);
  CHECK(xs[0].host.empty());
}

TEST_CASE("Telegraf's system lines: the load, uptime lines ignored") {
  size_t skipped = 0;
  auto xs = decode_all_of(telegraf_system, &skipped);
  REQUIRE(xs.size() == 1);
  CHECK(skipped == 0);
  CHECK(xs[0].host == "tyrion");
  CHECK(xs[0].load.load1 == 3.72);
  CHECK(xs[0].load.load5 == 2.4);
  CHECK(xs[0].load.load15 == 2.1);
  CHECK(xs[0].load.n_cpus == 4);
}

TEST_CASE("Telegraf's nvidia_smi lines: utilisation and memory per GPU") {
  auto xs = decode_all_of(telegraf_gpu);
  REQUIRE(xs.size() == 1);
  REQUIRE(xs[0].gpus.size() == 2);
  CHECK(xs[0].gpus[0].name == "GeForce GTX 1070");
  CHECK(xs[0].gpus[1].index == 1);
  CHECK(xs[0].gpus[1].utilization == 100);
  CHECK(xs[0].gpus[1].memory_used == 557 * mib);
  CHECK(xs[0].gpus[1].memory_total == 8114 * mib);
}

TEST_CASE("a batch of many hosts and instants decodes into one sample each") {
  std::string batch = "cpu,cpu=cpu-total,host=a usage_idle=90 1\n"
                      "mem,host=a total=100i,available=50i 1\n"
                      "cpu,cpu=cpu-total,host=b usage_idle=80 1\n"
                      "cpu,cpu=cpu-total,host=a usage_idle=70 2\n"
                      "disk,host=a foo=1i 1\n"
                      "docker,host=a n_containers=3i 1\n";
  size_t skipped = 0;
  auto xs = decode_all_of(batch, &skipped);
  REQUIRE(xs.size() == 3);
  CHECK(skipped == 2);
  CHECK(xs[0].host == "a");
  CHECK(to_string(xs[0].metrics) == "cpu,mem");
  CHECK(xs[0].mem.used == 50);
  CHECK(xs[1].host == "b");
  CHECK(xs[2].cpu == 30);
  // Every line of an unknown measurement: no sample, counted, no error.
  xs = decode_all_of("docker,host=a n_containers=3i 1", &skipped);
  CHECK(xs.empty());
  CHECK(skipped == 1);
}

TEST_CASE("hostile metric lines are refused by kind, never half-taken") {
  struct row {
    const char* what;
    std::string payload;
    decode_error expected;
  };
  std::string many_interfaces;
  for (int i = 0; i < 300; ++i)
    many_interfaces += "net,host=h,interface=if" + std::to_string(i)
                       + " bytes_recv=1i 1\n";
  const row table[] = {
    {"mem without available", "mem total=5i", decode_error::missing_field},
    {"available above total", "mem total=5i,available=6i",
     decode_error::out_of_range},
    {"used above total", "mem total=5i,available=1i,used=9i",
     decode_error::out_of_range},
    {"negative counter", "net,interface=e bytes_recv=-1i",
     decode_error::out_of_range},
    {"string counter", "net,interface=e bytes_recv=\"1\"",
     decode_error::wrong_type},
    {"nan counter", "diskio,name=sda reads=nan", decode_error::not_finite},
    {"net without interface", "net bytes_recv=1i",
     decode_error::missing_field},
    {"net without a counter", "net,interface=e speed=1i",
     decode_error::missing_field},
    {"interface twice", "net,interface=e bytes_recv=1i\n"
                        "net,interface=e bytes_recv=2i",
     decode_error::malformed},
    {"300 interfaces", many_interfaces, decode_error::out_of_range},
    {"disk name of 300 bytes",
     "diskio,name=" + std::string(300, 'd') + " reads=1i",
     decode_error::out_of_range},
    {"negative load", "system load1=-1", decode_error::out_of_range},
    {"infinite load", "system load1=inf", decode_error::not_finite},
    {"n_cpus beyond max_cores", "system load1=1,n_cpus=99999i",
     decode_error::out_of_range},
    {"gpu over 100 %", "nvidia_smi,index=0 utilization_gpu=101i",
     decode_error::out_of_range},
    {"gpu index of letters", "nvidia_smi,index=x utilization_gpu=1i",
     decode_error::malformed},
    {"gpu without utilisation", "nvidia_smi,index=0 memory_used=1i",
     decode_error::missing_field},
    {"gpu memory beyond 64 bits",
     "nvidia_smi,index=0 utilization_gpu=1i,memory_used=9223372036854775807i",
     decode_error::out_of_range},
  };
  for (auto& r : table) {
    CAPTURE(r.what);
    std::vector<sample> out(1);
    CHECK(decode_all(r.payload, out) == r.expected);
    CHECK(out.size() == 1);
  }
}

TEST_CASE("json carries every kind and round-trips exactly") {
  auto x = full_sample();
  std::string out;
  encode(wire_format::json, x, out);
  CHECK(out
        == R"({"host":"h1","seq":7,"ts":1700000000000000000,"cpu":25,)"
           R"("user":15,"system":10,"cores":[20,30],)"
           R"("mem":{"available":6000,"buffered":500,"cached":3000,)"
           R"("free":1000,"swap_free":3000,"swap_total":4000,"total":8000,)"
           R"("used":2000},)"
           R"("net":[{"interface":"eth0","bytes_recv":100,"bytes_sent":200,)"
           R"("drop_in":1,"drop_out":2,"err_in":0,"err_out":0,)"
           R"("packets_recv":3,"packets_sent":4}],)"
           R"("disk":[{"name":"sda","io_time":9,"iops_in_progress":1,)"
           R"("merged_reads":2,"merged_writes":3,"read_bytes":5120,)"
           R"("read_time":7,"reads":10,"weighted_io_time":11,)"
           R"("write_bytes":10240,"write_time":8,"writes":20}],)"
           R"("load":{"load1":0.5,"load5":0.25,"load15":0.125,"n_cpus":4},)"
           R"("gpu":[{"index":0,"name":"Tesla T4","utilization":42,)"
           R"("memory_used":1073741824,"memory_total":17179869184}]})");
  sample y;
  wire_format fmt = wire_format::seed;
  REQUIRE(decode(out, y, &fmt) == decode_error::none);
  CHECK(fmt == wire_format::json);
  CHECK(y == x);
}

TEST_CASE("json without cpu is read by kind: a viewer that knows only cpu "
          "still reads kscope's messages that carry it") {
  sample y;
  REQUIRE(decode(R"({"host":"m","load":{"load1":1.5}})", y)
          == decode_error::none);
  CHECK(y.metrics == metric_set::only(metric_kind::load));
  CHECK(y.load.load1 == 1.5);
  // The cpu fields come first and unchanged, whatever follows them.
  auto x = full_sample();
  std::string out;
  encode(wire_format::json, x, out);
  CHECK(out.rfind(R"({"host":"h1","seq":7,"ts":1700000000000000000,"cpu":25,)",
                  0)
        == 0);
  CHECK(decode(R"({"host":"m","mem":{"total":1}})", y)
        == decode_error::missing_field);
  CHECK(decode(R"({"host":"m","net":[{"bytes_recv":1}]})", y)
        == decode_error::missing_field);
  CHECK(decode(R"({"host":"m","gpu":[{"index":300,"utilization":1}]})", y)
        == decode_error::out_of_range);
}

TEST_CASE("a device named twice in one sample is refused in every format") {
  sample y;
  CHECK(decode(R"({"net":[{"interface":"e","bytes_recv":1},)"
               R"({"interface":"e","bytes_recv":2}]})",
               y)
        == decode_error::malformed);
  CHECK(decode(R"({"disk":[{"name":"sda"},{"name":"sda"}]})", y)
        == decode_error::malformed);
  CHECK(decode(R"({"gpu":[{"index":1,"utilization":1},)"
               R"({"index":1,"utilization":2}]})",
               y)
        == decode_error::malformed);
  CHECK(decode("nvidia_smi,index=0 utilization_gpu=1i\n"
               "nvidia_smi,index=0 utilization_gpu=2i",
               y)
        == decode_error::malformed);
}

TEST_CASE("one payload holds at most 64 samples and one machine's cores") {
  std::string many;
  for (int t = 1; t <= 65; ++t)
    many += "cpu,cpu=cpu-total usage_idle=1 " + std::to_string(t) + "\n";
  std::vector<sample> out;
  CHECK(decode_all(many, out) == decode_error::out_of_range);
  CHECK(out.empty());
  // Sparse core numbers: 4096 cores in each of two instants is two
  // machines' worth from a few bytes.
  std::string sparse = "cpu,cpu=cpu-total usage_idle=1 1\n"
                       "cpu,cpu=cpu4095 usage_idle=1 1\n"
                       "cpu,cpu=cpu-total usage_idle=1 2\n"
                       "cpu,cpu=cpu4095 usage_idle=1 2\n";
  CHECK(decode_all(sparse, out) == decode_error::out_of_range);
  CHECK(out.empty());
  many.resize(many.rfind("cpu,"));
  REQUIRE(decode_all(many, out) == decode_error::none);
  CHECK(out.size() == 64);
}
