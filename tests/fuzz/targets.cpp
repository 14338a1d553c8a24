#include "tests/fuzz/targets.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <ostream>
#include <streambuf>
#include <string>
#include <variant>
#include <vector>

#include <unistd.h>

#include "actors/logic/chart.hpp"
#include "actors/consumer.hpp"
#include "actors/edges/kafka.hpp"
#include "main/cli.hpp"
#include "actors/options.hpp"
#include "actors/sampler.hpp"
#include "messages/codec.hpp"

namespace kscope::fuzz {

namespace {

/// Swallows what the parser prints (help, errors).
class null_buffer : public std::streambuf {
protected:
  int_type overflow(int_type c) override {
    return traits_type::not_eof(c);
  }
};

std::ostream& null_stream() {
  static null_buffer buf;
  static std::ostream out{&buf};
  return out;
}

bool is_percent(double x) {
  return std::isfinite(x) && x >= 0 && x <= 100;
}

void check_valid(const sample& x) {
  fuzz_check(is_percent(x.cpu), "cpu is a finite percentage");
  fuzz_check(is_percent(x.user), "user is a finite percentage");
  fuzz_check(is_percent(x.system), "system is a finite percentage");
  for (auto core : x.cores)
    fuzz_check(is_percent(core), "each core is a finite percentage");
  fuzz_check(x.cores.size() <= max_cores, "at most max_cores cores");
  fuzz_check(x.host.size() <= max_host_size, "host at most max_host_size");
  fuzz_check(x.nets.size() <= max_devices && x.disks.size() <= max_devices
               && x.gpus.size() <= max_devices,
             "at most max_devices of each");
  fuzz_check(x.mem.available <= x.mem.total && x.mem.used <= x.mem.total
               && x.mem.swap_free <= x.mem.swap_total,
             "memory figures within the total");
  for (double load : {x.load.load1, x.load.load5, x.load.load15})
    fuzz_check(std::isfinite(load) && load >= 0, "load finite, not negative");
  for (auto& g : x.gpus)
    fuzz_check(is_percent(g.utilization), "GPU utilisation a percentage");
  for (auto& n : x.nets)
    fuzz_check(!n.name.empty() && n.name.size() <= max_host_size,
               "interface named");
}

bool close_to(double x, double y) {
  return std::fabs(x - y) <= 1e-9;
}

/// Decodes `buf`, the encoding of `x` in `fmt`, into `y`; false when it was
/// refused as oversized, which it must be exactly when it is too long (many
/// cores with a long host name make influx lines long).
bool decode_again(const std::string& buf, wire_format fmt, sample& y) {
  wire_format detected = wire_format::seed;
  auto err = decode(buf, y, &detected);
  if (buf.size() > max_payload_size) {
    fuzz_check(err == decode_error::oversized, "too long is oversized");
    return false;
  }
  fuzz_check(err == decode_error::none && detected == fmt,
             "a re-encoded sample decodes in its format");
  return true;
}

/// Re-encodes a decoded sample in every format and decodes it again.
void check_round_trip(const sample& x) {
  // The producer refuses such host names (--host); the formats cannot all
  // carry them.
  auto clean = [](const std::string& name) {
    auto copy = name;
    sanitize_series_name(copy);
    return copy == name;
  };
  if (!clean(x.host))
    return;
  // Device names the same: JSON cannot carry invalid UTF-8.
  for (auto& n : x.nets)
    if (!clean(n.name))
      return;
  for (auto& d : x.disks)
    if (!clean(d.name))
      return;
  for (auto& g : x.gpus)
    if (!clean(g.name))
      return;
  std::string buf;
  sample y;
  encode(wire_format::seed, x, buf);
  if (decode_again(buf, wire_format::seed, y))
    fuzz_check(y.cpu == std::floor(x.cpu), "seed keeps the integer percent");
  buf.clear();
  encode(wire_format::json, x, buf);
  if (decode_again(buf, wire_format::json, y))
    fuzz_check(y == x, "JSON re-encoding is exact");
  buf.clear();
  encode(wire_format::influx, x, buf);
  // Line protocol has no line for a kind with no device (net: []).
  if (buf.empty() || !decode_again(buf, wire_format::influx, y))
    return;
  fuzz_check(y.host == x.host && y.seq == x.seq && y.ts_ns == x.ts_ns,
             "influx keeps host, seq and time");
  fuzz_check(close_to(y.cpu, x.cpu) && close_to(y.user, x.user)
               && close_to(y.system, x.system),
             "influx keeps the totals");
  fuzz_check(y.cores.size() == x.cores.size(), "influx keeps the cores");
  for (size_t i = 0; i < x.cores.size(); ++i)
    fuzz_check(close_to(y.cores[i], x.cores[i]), "influx keeps each core");
}

/// What a parsed command line promises whatever the text was: every
/// typed value inside the range its flag accepts.
void validate(const produce_options& x) {
  fuzz_check(x.interval >= min_sampling_interval, "interval >= 50ms");
  fuzz_check(x.flush_timeout.count() >= 0, "flush timeout >= 0");
  fuzz_check(!check_brokers(x.kafka.brokers) || x.kafka.brokers.empty(),
             "brokers were checked");
  for (auto& prop : x.kafka.properties)
    fuzz_check(!prop.first.empty(), "-X has a key");
}

void validate(const view_options& x, const kafka_options& kafka) {
  fuzz_check(x.window >= 1 && x.window <= 1000000, "window in 1..1000000");
  fuzz_check(x.fps >= 0.2 && x.fps <= 240, "fps in 0.2..240");
  fuzz_check(x.style.span_s >= 0, "span >= 0");
  fuzz_check(x.expire.count() >= 0, "expire >= 0");
  fuzz_check(!x.duration || x.duration->count() >= 0, "duration >= 0");
  fuzz_check(!check_brokers(kafka.brokers) || kafka.brokers.empty(),
             "brokers were checked");
  fuzz_check(x.fleet_at >= 1, "fleet-at >= 1");
  fuzz_check(x.budget >= 1000, "budget >= 1000");
}

void validate(const simulate_options& x) {
  fuzz_check(x.hosts >= 1 && x.hosts <= 100000, "hosts in 1..100000");
  fuzz_check(x.interval >= min_sampling_interval, "interval >= 50ms");
  fuzz_check(x.format != wire_format::seed, "simulate never sends seed");
  fuzz_check(!check_brokers(x.kafka.brokers) || x.kafka.brokers.empty(),
             "brokers were checked");
}

void validate(const command_line& cl) {
  switch (cl.which) {
    case command::produce:
      validate(cl.produce);
      break;
    case command::view:
      validate(cl.view, cl.view_kafka);
      break;
    case command::run:
      validate(cl.run.produce);
      validate(cl.run.view, cl.run.produce.kafka);
      break;
    case command::simulate:
      validate(cl.simulate);
      break;
    case command::alert:
      validate(cl.alert, cl.alert_kafka);
      break;
    case command::broker:
    case command::bench:
      break;
  }
}

void parse_and_validate(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  for (auto& arg : args)
    argv.push_back(arg.c_str());
  argv.push_back(nullptr);
  auto parsed = parse_command_line(static_cast<int>(args.size()), argv.data(),
                                   null_stream(), null_stream());
  if (auto* cl = std::get_if<command_line>(&parsed))
    validate(*cl);
  else
    fuzz_check(std::get<int>(parsed) == 0 || std::get<int>(parsed) == 2,
               "the parser ends with 0 (help) or 2 (usage)");
}

/// A file of this process for config text; removed at exit.
const std::string& config_path() {
  static const std::string path = [] {
    char tmpl[] = "/tmp/kscope-fuzz-config-XXXXXX";
    int fd = mkstemp(tmpl);
    fuzz_check(fd >= 0, "mkstemp");
    close(fd);
    std::string result = tmpl;
    static std::string to_remove = result;
    std::atexit([] { std::remove(to_remove.c_str()); });
    return result;
  }();
  return path;
}

} // namespace

void fuzz_check(bool ok, const char* what) {
  if (ok)
    return;
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

void payload(std::string_view data) {
  std::vector<sample> xs(1);
  wire_format fmt = wire_format::seed;
  if (decode_all(data, xs, &fmt) != decode_error::none) {
    fuzz_check(xs.size() == 1, "a failed decode adds no half sample");
    return;
  }
  for (size_t i = 1; i < xs.size(); ++i) {
    fuzz_check(!xs[i].metrics.empty(), "a sample holds something to draw");
    check_valid(xs[i]);
    check_round_trip(xs[i]);
  }
}

void config(std::string_view data) {
  static const char* const subcommands[] = {"produce", "view", "run",
                                            "broker"};
  if (data.empty())
    return;
  auto sub = subcommands[static_cast<unsigned char>(data[0]) % 4];
  data.remove_prefix(1);
  {
    std::ofstream out{config_path(), std::ios::binary | std::ios::trunc};
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
  }
  parse_and_validate({"kscope", "--config", config_path(), sub});
}

void cli(std::string_view data) {
  std::vector<std::string> args{"kscope"};
  while (!data.empty() && args.size() <= 64) {
    auto end = data.find('\0');
    auto arg = data.substr(0, end);
    // A fuzzed --config could name /dev/stdin or /dev/zero; the config
    // harness covers config files.
    if (arg.substr(0, 8) == "--config")
      return;
    args.emplace_back(arg);
    data.remove_prefix(end == std::string_view::npos ? data.size() : end + 1);
  }
  parse_and_validate(args);
}

} // namespace kscope::fuzz
