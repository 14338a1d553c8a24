// The cost of one sample on this machine: every /proc reader at one
// instant (system_meter::measure), for CPU alone and for all kinds, plus
// encoding it in each wire format. What a producer node pays per tick
// before Kafka; `kscope bench` and bench/run-matrix measure the rest.
//
//   kscope_sample_cost [ITERATIONS] [PROC_ROOT]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "actors/logic/system_meter.hpp"
#include "messages/codec.hpp"

namespace {

struct bench_params {
  size_t iterations = 20000;
  std::string proc_root = "/proc";
};

double micros_per(size_t n, std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count()
         / static_cast<double>(n);
}

} // namespace

int main(int argc, char** argv) {
  using namespace kscope;
  bench_params params;
  if (argc > 1)
    params.iterations = std::strtoul(argv[1], nullptr, 10);
  if (argc > 2)
    params.proc_root = argv[2];
  std::printf("%-28s %10s %8s\n", "what", "us/sample", "bytes");
  for (auto metrics : {metric_set::only(metric_kind::cpu),
                       metric_set::defaults()}) {
    system_meter_config cfg;
    cfg.proc_root = params.proc_root;
    cfg.metrics = metrics;
    system_meter meter{cfg};
    sample x;
    std::string err;
    if (!meter.measure(x, &err)) {
      std::fprintf(stderr, "kscope_sample_cost: %s\n", err.c_str());
      return 1;
    }
    auto t0 = std::chrono::steady_clock::now();
    for (size_t i = 0; i < params.iterations; ++i)
      if (!meter.measure(x, &err)) {
        std::fprintf(stderr, "kscope_sample_cost: %s\n", err.c_str());
        return 1;
      }
    auto t1 = std::chrono::steady_clock::now();
    auto name = "read " + to_string(metrics);
    std::printf("%-28s %10.1f %8s\n", name.c_str(),
                micros_per(params.iterations, t1 - t0), "-");
    x.host = "bench-host";
    x.seq = 1;
    for (auto fmt : {wire_format::json, wire_format::influx}) {
      std::string buf;
      auto e0 = std::chrono::steady_clock::now();
      for (size_t i = 0; i < params.iterations; ++i) {
        buf.clear();
        encode(fmt, x, buf);
      }
      auto e1 = std::chrono::steady_clock::now();
      auto label = "  encode " + std::string{to_string(fmt)};
      std::printf("%-28s %10.1f %8zu\n", label.c_str(),
                  micros_per(params.iterations, e1 - e0), buf.size());
    }
  }
  return 0;
}
