// Encode/decode throughput of the three wire formats on one core. Speed of
// the whole pipeline is `kscope bench`; this isolates the codec.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "messages/codec.hpp"

namespace {

struct bench_params {
  size_t iterations = 200000;
  size_t cores = 8;
};

double per_second(size_t n, std::chrono::steady_clock::duration d) {
  return static_cast<double>(n)
         / std::chrono::duration<double>(d).count();
}

} // namespace

int main(int argc, char** argv) {
  using namespace kscope;
  bench_params params;
  if (argc > 1)
    params.iterations = std::strtoul(argv[1], nullptr, 10);
  sample x;
  x.host = "bench-host";
  x.seq = 123456;
  x.ts_ns = 1700000000123456789;
  x.cpu = 37.25;
  x.user = 25.5;
  x.system = 11.75;
  for (size_t i = 0; i < params.cores; ++i)
    x.cores.push_back(10.0 + static_cast<double>(i) * 7.5);
  std::printf("%-7s %14s %14s %8s\n", "format", "encode/s", "decode/s",
              "bytes");
  for (auto fmt : {wire_format::seed, wire_format::json, wire_format::influx}) {
    std::string buf;
    auto t0 = std::chrono::steady_clock::now();
    for (size_t i = 0; i < params.iterations; ++i) {
      buf.clear();
      encode(fmt, x, buf);
    }
    auto t1 = std::chrono::steady_clock::now();
    sample y;
    size_t ok = 0;
    for (size_t i = 0; i < params.iterations; ++i)
      ok += decode(buf, y) == decode_error::none ? 1 : 0;
    auto t2 = std::chrono::steady_clock::now();
    if (ok != params.iterations) {
      std::fprintf(stderr, "decode failed for %s\n",
                   std::string{to_string(fmt)}.c_str());
      return 1;
    }
    std::printf("%-7s %14.0f %14.0f %8zu\n", std::string{to_string(fmt)}.c_str(),
                per_second(params.iterations, t1 - t0),
                per_second(params.iterations, t2 - t1), buf.size());
  }
  return 0;
}
