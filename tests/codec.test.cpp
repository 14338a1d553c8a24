#include "messages/codec.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#ifdef KSCOPE_TEST_DATA
#  include <filesystem>
#  include <fstream>
#  include <iterator>
#endif

#include <doctest/doctest.h>

using namespace std::literals;

namespace kscope {

// Lets doctest print decode errors and formats by name in failed checks.
doctest::String toString(decode_error x) {
  auto str = to_string(x);
  return doctest::String(str.data(), static_cast<unsigned>(str.size()));
}

doctest::String toString(wire_format x) {
  auto str = to_string(x);
  return doctest::String(str.data(), static_cast<unsigned>(str.size()));
}

} // namespace kscope

namespace {

using kscope::decode;
using kscope::decode_error;
using kscope::encode;
using kscope::sample;
using kscope::wire_format;

/// The sample of the golden-byte tests.
sample fixed_sample() {
  sample x;
  x.host = "web-1";
  x.seq = 7;
  x.ts_ns = 1700000000000000000;
  x.cpu = 42.5;
  x.user = 30.25;
  x.system = 12.25;
  x.cores = {40, 45};
  return x;
}

std::string encoded(wire_format fmt, const sample& x) {
  std::string out;
  encode(fmt, x, out);
  return out;
}

/// Decodes a copy of `payload` in a heap block of exactly its size, so that
/// AddressSanitizer catches any read past its end.
decode_error decode_exact(std::string_view payload, sample& out,
                          wire_format* fmt = nullptr) {
  auto buf = std::make_unique<char[]>(payload.size());
  if (!payload.empty())
    std::memcpy(buf.get(), payload.data(), payload.size());
  return decode(std::string_view{buf.get(), payload.size()}, out, fmt);
}

decode_error decode_error_of(std::string_view payload) {
  sample out;
  return decode_exact(payload, out);
}

/// A JSON sample with `n` cores, all zero.
std::string json_with_cores(size_t n) {
  std::string out = R"({"cpu":5,"cores":[)";
  for (size_t i = 0; i < n; ++i)
    out += i == 0 ? "0" : ",0";
  out += "]}";
  return out;
}

constexpr std::string_view golden_json
  = R"({"host":"web-1","seq":7,"ts":1700000000000000000,"cpu":42.5,)"
    R"("user":30.25,"system":12.25,"cores":[40,45]})";

constexpr std::string_view golden_influx
  = "cpu,cpu=cpu-total,host=web-1 usage_idle=57.5,usage_user=30.25,"
    "usage_system=12.25,seq=7i 1700000000000000000\n"
    "cpu,cpu=cpu0,host=web-1 usage_idle=60,seq=7i 1700000000000000000\n"
    "cpu,cpu=cpu1,host=web-1 usage_idle=55,seq=7i 1700000000000000000";

constexpr std::string_view telegraf_total
  = "cpu,cpu=cpu-total,host=telegraf-host usage_active=12.3,usage_guest=0,"
    "usage_guest_nice=0,usage_idle=87.7,usage_iowait=0.1,usage_irq=0,"
    "usage_nice=0,usage_softirq=0.2,usage_steal=0,usage_system=3.1,"
    "usage_user=8.9 1700000000000000000";

} // namespace

// -- names --------------------------------------------------------------------

TEST_CASE("wire format names round-trip through to_string and parsing") {
  for (auto fmt : {wire_format::seed, wire_format::json, wire_format::influx})
    CHECK(kscope::parse_wire_format(kscope::to_string(fmt)) == fmt);
  CHECK(kscope::to_string(wire_format::seed) == "seed");
  CHECK(kscope::to_string(wire_format::json) == "json");
  CHECK(kscope::to_string(wire_format::influx) == "influx");
  CHECK_FALSE(kscope::parse_wire_format("JSON").has_value());
  CHECK_FALSE(kscope::parse_wire_format("").has_value());
  CHECK_FALSE(kscope::parse_wire_format("influx ").has_value());
}

TEST_CASE("decode errors have short stable names, one per value") {
  std::vector<std::string_view> names;
  for (size_t i = 0; i < kscope::decode_error_count; ++i)
    names.push_back(kscope::to_string(static_cast<decode_error>(i)));
  CHECK(names
        == std::vector<std::string_view>{"none", "empty", "oversized",
                                         "unknown_format", "malformed",
                                         "missing_field", "wrong_type",
                                         "not_finite", "out_of_range"});
}

// -- seed format --------------------------------------------------------------

TEST_CASE("seed format writes 42 % as the bytes 00 2A") {
  sample x;
  x.cpu = 42;
  CHECK(encoded(wire_format::seed, x) == "\x00\x2A"sv);
  x.cpu = 42.9;
  CHECK(encoded(wire_format::seed, x) == "\x00\x2A"sv);
}

TEST_CASE("seed format truncates toward zero and clamps to 0..100") {
  auto seed_of = [](double cpu) {
    sample x;
    x.cpu = cpu;
    return encoded(wire_format::seed, x);
  };
  CHECK(seed_of(0) == "\x00\x00"sv);
  CHECK(seed_of(0.99) == "\x00\x00"sv);
  CHECK(seed_of(-0.5) == "\x00\x00"sv);
  CHECK(seed_of(-7) == "\x00\x00"sv);
  CHECK(seed_of(99.999) == "\x00\x63"sv);
  CHECK(seed_of(100) == "\x00\x64"sv);
  CHECK(seed_of(1e300) == "\x00\x64"sv);
  CHECK(seed_of(std::numeric_limits<double>::infinity()) == "\x00\x64"sv);
  CHECK(seed_of(-std::numeric_limits<double>::infinity()) == "\x00\x00"sv);
  CHECK(seed_of(std::numeric_limits<double>::quiet_NaN()) == "\x00\x00"sv);
}

TEST_CASE("seed format carries only the truncated cpu through a round trip") {
  auto x = fixed_sample();
  sample y;
  wire_format fmt = wire_format::json;
  REQUIRE(decode_exact(encoded(wire_format::seed, x), y, &fmt)
          == decode_error::none);
  CHECK(fmt == wire_format::seed);
  sample expected;
  expected.cpu = 42;
  CHECK(y == expected);
  for (unsigned percent = 0; percent <= 100; ++percent) {
    sample z;
    z.cpu = percent;
    REQUIRE(decode_exact(encoded(wire_format::seed, z), y) == decode_error::none);
    CHECK(y.cpu == percent);
  }
}

TEST_CASE("any two-byte payload is read as seed, even one that looks like JSON") {
  CHECK(decode_error_of("\x00\x65"sv) == decode_error::out_of_range);
  CHECK(decode_error_of("\xFF\xFF"sv) == decode_error::out_of_range);
  CHECK(decode_error_of("{}") == decode_error::out_of_range);
  sample out;
  CHECK(decode_exact("\x00\x64"sv, out) == decode_error::none);
  CHECK(out.cpu == 100);
}

// -- JSON format --------------------------------------------------------------

TEST_CASE("json format writes the fixed sample as the golden string") {
  CHECK(encoded(wire_format::json, fixed_sample()) == golden_json);
}

TEST_CASE("json format writes an empty sample with every field") {
  CHECK(encoded(wire_format::json, sample{})
        == R"({"host":"","seq":0,"ts":0,"cpu":0,"user":0,"system":0,"cores":[]})");
}

TEST_CASE("json format escapes quotes, backslashes and control characters") {
  sample x;
  x.host = "a\"b\\c\n\x01\x1f\x7f\xc3\xa9";
  auto out = encoded(wire_format::json, x);
  CHECK(out
        == R"({"host":"a\"b\\c\u000a\u0001\u001f)"
           "\x7f\xc3\xa9"
           R"(","seq":0,"ts":0,"cpu":0,"user":0,"system":0,"cores":[]})");
  sample y;
  REQUIRE(decode_exact(out, y) == decode_error::none);
  CHECK(y.host == x.host);
}

TEST_CASE("json format writes non-finite numbers as null, which decode refuses") {
  sample x;
  x.cpu = std::numeric_limits<double>::quiet_NaN();
  auto out = encoded(wire_format::json, x);
  CHECK(out.find(R"("cpu":null)") != std::string::npos);
  CHECK(decode_error_of(out) == decode_error::wrong_type);
}

TEST_CASE("json format round-trips every field bit-exactly") {
  sample x;
  x.host = "h\xc3\xb6st \"quoted\" \\ \t";
  x.seq = std::numeric_limits<uint64_t>::max();
  x.ts_ns = std::numeric_limits<int64_t>::min();
  x.cpu = 0.1;
  x.user = 100.0 / 3;
  x.system = 5e-324;
  x.cores = {0, 100, 99.99999999999999, 1e-10, 2.0 / 3, 12.345678901234567};
  sample y;
  wire_format fmt = wire_format::seed;
  REQUIRE(decode_exact(encoded(wire_format::json, x), y, &fmt)
          == decode_error::none);
  CHECK(fmt == wire_format::json);
  CHECK(y == x);
  for (size_t i = 0; i < x.cores.size(); ++i)
    CHECK(std::memcmp(&y.cores[i], &x.cores[i], sizeof(double)) == 0);
  x = fixed_sample();
  REQUIRE(decode_exact(encoded(wire_format::json, x), y) == decode_error::none);
  CHECK(y == x);
}

TEST_CASE("json format keeps huge out-of-range numbers readable as numbers") {
  sample x;
  x.cpu = 18446744073709551616.0; // 2^64, beyond any JSON integer simdjson reads
  CHECK(decode_error_of(encoded(wire_format::json, x))
        == decode_error::out_of_range);
}

TEST_CASE("json decoding needs only cpu and ignores unknown fields") {
  sample out;
  REQUIRE(decode_exact(" \r\n\t{\"cpu\":5}", out) == decode_error::none);
  sample expected;
  expected.cpu = 5;
  CHECK(out == expected);
  auto payload = R"({"extra":{"deep":[1,{"x":null}]},"cores":[1.5,2],)"
                 R"("ts":-3,"cpu":7.25,"seq":9,"flag":true,"host":"x"})";
  REQUIRE(decode_exact(payload, out) == decode_error::none);
  CHECK(out.cpu == 7.25);
  CHECK(out.cores == std::vector<double>{1.5, 2});
  CHECK(out.ts_ns == -3);
  CHECK(out.seq == 9);
  CHECK(out.host == "x");
}

TEST_CASE("json decoding takes up to max_cores cores and max_host_size bytes") {
  sample out;
  REQUIRE(decode_exact(json_with_cores(kscope::max_cores), out)
          == decode_error::none);
  CHECK(out.cores.size() == kscope::max_cores);
  auto host = std::string(kscope::max_host_size, 'h');
  REQUIRE(decode_exact(R"({"cpu":1,"host":")" + host + "\"}", out)
          == decode_error::none);
  CHECK(out.host == host);
  CHECK(decode_error_of(json_with_cores(kscope::max_cores + 1))
        == decode_error::out_of_range);
  CHECK(decode_error_of(R"({"cpu":1,"host":")" + host + "h\"}")
        == decode_error::out_of_range);
}

// -- Influx line protocol -----------------------------------------------------

TEST_CASE("influx format writes the fixed sample as the golden text") {
  CHECK(encoded(wire_format::influx, fixed_sample()) == golden_influx);
}

TEST_CASE("influx format leaves out the host tag when the host is empty") {
  sample x;
  x.cpu = 25;
  CHECK(encoded(wire_format::influx, x)
        == "cpu,cpu=cpu-total usage_idle=75,usage_user=0,usage_system=0,"
           "seq=0i 0");
}

TEST_CASE("influx format escapes commas, spaces, equals signs and backslashes") {
  sample x;
  x.host = "a,b c=d\\e";
  x.cpu = 1;
  auto out = encoded(wire_format::influx, x);
  CHECK(out.substr(0, 44) == R"(cpu,cpu=cpu-total,host=a\,b\ c\=d\\e usage_i)");
  sample y;
  REQUIRE(decode_exact(out, y) == decode_error::none);
  CHECK(y.host == x.host);
}

TEST_CASE("influx format writes sequence numbers beyond int64 as unsigned") {
  sample x;
  x.seq = std::numeric_limits<uint64_t>::max();
  auto out = encoded(wire_format::influx, x);
  CHECK(out.find(",seq=18446744073709551615u ") != std::string::npos);
  sample y;
  REQUIRE(decode_exact(out, y) == decode_error::none);
  CHECK(y.seq == x.seq);
}

TEST_CASE("influx format round-trips within 1e-9") {
  auto check_round_trip = [](const sample& x) {
    sample y;
    wire_format fmt = wire_format::seed;
    REQUIRE(decode_exact(encoded(wire_format::influx, x), y, &fmt)
            == decode_error::none);
    CHECK(fmt == wire_format::influx);
    CHECK(y.host == x.host);
    CHECK(y.seq == x.seq);
    CHECK(y.ts_ns == x.ts_ns);
    CHECK(y.cpu == doctest::Approx(x.cpu).epsilon(1e-9));
    CHECK(y.user == x.user);
    CHECK(y.system == x.system);
    REQUIRE(y.cores.size() == x.cores.size());
    for (size_t i = 0; i < x.cores.size(); ++i)
      CHECK(std::fabs(y.cores[i] - x.cores[i]) < 1e-9);
  };
  check_round_trip(fixed_sample());
  sample x;
  x.host = "db-7.example.org";
  x.seq = 123456789;
  x.ts_ns = -1;
  x.cpu = 0.1;
  x.user = 100.0 / 3;
  x.system = 1e-7;
  x.cores = {0, 100, 0.1, 99.99999999999999, 33.3};
  check_round_trip(x);
  check_round_trip(sample{});
}

TEST_CASE("influx decoding reads a Telegraf cpu-total line with every usage "
          "field") {
  sample out;
  wire_format fmt = wire_format::seed;
  REQUIRE(decode_exact(telegraf_total, out, &fmt) == decode_error::none);
  CHECK(fmt == wire_format::influx);
  CHECK(out.cpu == doctest::Approx(100 - 87.7));
  CHECK(out.cpu == doctest::Approx(12.3));
  CHECK(out.host == "telegraf-host");
  CHECK(out.ts_ns == 1700000000000000000);
  CHECK(out.user == doctest::Approx(8.9));
  CHECK(out.system == doctest::Approx(3.1 + 0.2));
  CHECK(out.seq == 0);
  CHECK(out.cores.empty());
}

TEST_CASE("influx decoding adds nice to user and irq and softirq to system") {
  sample out;
  REQUIRE(decode_exact("cpu,cpu=cpu-total usage_idle=50,usage_user=20,"
                       "usage_nice=5,usage_system=10,usage_irq=1,"
                       "usage_softirq=2",
                       out)
          == decode_error::none);
  CHECK(out.cpu == 50);
  CHECK(out.user == 25);
  CHECK(out.system == 13);
  CHECK(out.ts_ns == 0);
  CHECK(out.host.empty());
}

TEST_CASE("influx decoding gathers core lines in any order, with CRLF, blank "
          "lines and a trailing newline") {
  auto payload = "cpu,cpu=cpu2,host=h usage_idle=70 1\r\n"
                 "\r\n"
                 "cpu,cpu=cpu-total,host=h usage_idle=75,seq=3i 1\r\n"
                 "\n"
                 "cpu,cpu=cpu0,host=h usage_idle=80 1\n";
  sample out;
  REQUIRE(decode_exact(payload, out) == decode_error::none);
  CHECK(out.cpu == 25);
  CHECK(out.seq == 3);
  CHECK(out.ts_ns == 1);
  CHECK(out.host == "h");
  CHECK(out.cores == std::vector<double>{20, 0, 30});
}

TEST_CASE("influx decoding skips unknown fields of every type") {
  auto payload = R"(cpu,cpu=cpu-total,zone=eu\ west,host=h )"
                 R"(note="a, \"quoted\" b=c",usage_idle=90,flag=t,)"
                 R"(count=-3i,big=18446744073709551615u,ratio=1e3,)"
                 R"(multi="line1)"
                 "\n"
                 R"(line2",off=FALSE,usage_iowait=0.5 42)";
  sample out;
  REQUIRE(decode_exact(payload, out) == decode_error::none);
  CHECK(out.cpu == 10);
  CHECK(out.host == "h");
  CHECK(out.ts_ns == 42);
}

TEST_CASE("influx decoding accepts integer usage fields and core 4095") {
  sample out;
  REQUIRE(decode_exact("cpu,cpu=cpu-total usage_idle=60i,usage_user=40u\n"
                       "cpu,cpu=cpu4095 usage_idle=0",
                       out)
          == decode_error::none);
  CHECK(out.cpu == 40);
  CHECK(out.user == 40);
  REQUIRE(out.cores.size() == kscope::max_cores);
  CHECK(out.cores.back() == 100);
}

// -- errors -------------------------------------------------------------------

TEST_CASE("decode reports the expected error for each malformed payload") {
  struct bad_payload {
    const char* what;
    std::string payload;
    decode_error expected;
  };
  auto host_300 = std::string(300, 'h');
  const bad_payload table[] = {
    // Detection.
    {"empty", "", decode_error::empty},
    {"one byte", "x", decode_error::unknown_format},
    {"one brace", "{", decode_error::malformed},
    {"seed of 101", "\x00\x65"s, decode_error::out_of_range},
    {"64 KiB + 1 bytes", std::string(kscope::max_payload_size + 1, ' '),
     decode_error::oversized},
    {"random binary", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe"s,
     decode_error::unknown_format},
    {"whitespace only", "   ", decode_error::unknown_format},
    {"bare cpu", "cpu", decode_error::unknown_format},
    {"mem without total", "mem,host=x used=1i", decode_error::missing_field},
    // JSON.
    {"truncated json", R"({"cpu":4)", decode_error::malformed},
    {"trailing garbage", R"({"cpu":4} x)", decode_error::malformed},
    {"top-level array", "[1,2]", decode_error::wrong_type},
    {"cpu as string", R"({"cpu":"x"})", decode_error::wrong_type},
    {"cpu as null", R"({"cpu":null})", decode_error::wrong_type},
    {"cpu as bool", R"({"cpu":true})", decode_error::wrong_type},
    {"missing cpu", R"({"host":"h"})", decode_error::missing_field},
    {"empty object", " {}", decode_error::missing_field},
    {"negative cpu", R"({"cpu":-1})", decode_error::out_of_range},
    {"cpu above 100", R"({"cpu":100.5})", decode_error::out_of_range},
    {"user above 100", R"({"cpu":1,"user":101})", decode_error::out_of_range},
    {"negative system", R"({"cpu":1,"system":-0.1})",
     decode_error::out_of_range},
    {"string core", R"({"cpu":5,"cores":[1,"a"]})", decode_error::wrong_type},
    {"cores as object", R"({"cpu":5,"cores":{}})", decode_error::wrong_type},
    {"core above 100", R"({"cpu":5,"cores":[1,101]})",
     decode_error::out_of_range},
    {"host as number", R"({"cpu":5,"host":5})", decode_error::wrong_type},
    {"host not UTF-8", "{\"cpu\":5,\"host\":\"a\xff\xfe\"}",
     decode_error::malformed},
    {"negative seq", R"({"cpu":5,"seq":-1})", decode_error::out_of_range},
    {"fractional seq", R"({"cpu":5,"seq":1.5})", decode_error::wrong_type},
    {"ts as string", R"({"cpu":5,"ts":"now"})", decode_error::wrong_type},
    {"ts beyond int64", R"({"cpu":5,"ts":9223372036854775808})",
     decode_error::out_of_range},
    {"5000 json cores", json_with_cores(5000), decode_error::out_of_range},
    {"json host of 300 bytes", R"({"cpu":1,"host":")" + host_300 + "\"}",
     decode_error::out_of_range},
    // Influx line protocol.
    {"influx missing usage_idle", "cpu,cpu=cpu-total usage_user=5",
     decode_error::missing_field},
    {"influx core missing usage_idle",
     "cpu,cpu=cpu-total usage_idle=5\ncpu,cpu=cpu0 usage_user=1",
     decode_error::missing_field},
    {"influx nan", "cpu,cpu=cpu-total usage_idle=nan",
     decode_error::not_finite},
    {"influx inf", "cpu,cpu=cpu-total usage_idle=inf",
     decode_error::not_finite},
    {"influx nan user", "cpu,cpu=cpu-total usage_idle=5,usage_user=-nan",
     decode_error::not_finite},
    {"influx only a core line", "cpu,cpu=cpu0 usage_idle=5",
     decode_error::missing_field},
    {"influx truncated after usage_idle=", "cpu,cpu=cpu-total usage_idle=",
     decode_error::malformed},
    {"influx without fields", "cpu,cpu=cpu-total",
     decode_error::malformed},
    {"influx without fields but a space", "cpu,cpu=cpu-total ",
     decode_error::malformed},
    {"influx field without value", "cpu,cpu=cpu-total usage_idle",
     decode_error::malformed},
    {"influx trailing comma", "cpu,cpu=cpu-total usage_idle=1, 5",
     decode_error::malformed},
    {"influx bad float", "cpu,cpu=cpu-total usage_idle=1.2.3",
     decode_error::malformed},
    {"influx bad timestamp", "cpu,cpu=cpu-total usage_idle=1 12x",
     decode_error::malformed},
    {"influx timestamp beyond int64",
     "cpu,cpu=cpu-total usage_idle=1 9223372036854775808",
     decode_error::out_of_range},
    {"influx timestamp glued to a string",
     R"(cpu,cpu=cpu-total usage_idle=1,n="ab"5)", decode_error::malformed},
    {"influx garbage after the timestamp",
     "cpu,cpu=cpu-total usage_idle=1 5 6", decode_error::malformed},
    {"influx lone carriage return", "cpu,cpu=cpu-total usage_idle=1\rx",
     decode_error::malformed},
    {"influx unterminated string", R"(cpu,cpu=cpu-total usage_idle=1,n="ab)",
     decode_error::malformed},
    {"influx empty tag value", "cpu,cpu= usage_idle=1",
     decode_error::malformed},
    {"influx tag without value", "cpu,cpu usage_idle=1",
     decode_error::malformed},
    {"influx without cpu tag", "cpu usage_idle=1", decode_error::malformed},
    {"influx foreign cpu tag", "cpu,cpu=gpu0 usage_idle=1",
     decode_error::malformed},
    {"influx core tag with letters", "cpu,cpu=cpu1a usage_idle=1",
     decode_error::malformed},
    {"influx second measurement, malformed",
     "cpu,cpu=cpu-total usage_idle=1\nmem,host=x used=1 x",
     decode_error::malformed},
    {"influx two totals",
     "cpu,cpu=cpu-total usage_idle=1\ncpu,cpu=cpu-total usage_idle=2",
     decode_error::malformed},
    {"influx string usage_idle", R"(cpu,cpu=cpu-total usage_idle="5")",
     decode_error::wrong_type},
    {"influx boolean usage_system",
     "cpu,cpu=cpu-total usage_idle=5,usage_system=true",
     decode_error::wrong_type},
    {"influx float seq", "cpu,cpu=cpu-total usage_idle=5,seq=1.5",
     decode_error::wrong_type},
    {"influx negative seq", "cpu,cpu=cpu-total usage_idle=5,seq=-1i",
     decode_error::out_of_range},
    {"influx usage_idle above 100", "cpu,cpu=cpu-total usage_idle=100.01",
     decode_error::out_of_range},
    {"influx negative usage_idle", "cpu,cpu=cpu-total usage_idle=-1",
     decode_error::out_of_range},
    {"influx huge usage_idle", "cpu,cpu=cpu-total usage_idle=1e999",
     decode_error::out_of_range},
    {"influx core above 100",
     "cpu,cpu=cpu-total usage_idle=1\ncpu,cpu=cpu0 usage_idle=101",
     decode_error::out_of_range},
    {"influx core 5000",
     "cpu,cpu=cpu5000 usage_idle=1\ncpu,cpu=cpu-total usage_idle=1",
     decode_error::out_of_range},
    {"influx core 4096", "cpu,cpu=cpu4096 usage_idle=1",
     decode_error::out_of_range},
    {"influx core beyond size_t",
     "cpu,cpu=cpu99999999999999999999999 usage_idle=1",
     decode_error::out_of_range},
    {"influx host of 300 bytes",
     "cpu,cpu=cpu-total,host=" + host_300 + " usage_idle=1",
     decode_error::out_of_range},
  };
  for (auto& row : table) {
    CAPTURE(row.what);
    CHECK(decode_error_of(row.payload) == row.expected);
  }
}

TEST_CASE("json numbers beyond double are refused, whatever simdjson calls it") {
  CHECK(decode_error_of(R"({"cpu":1e999})") != decode_error::none);
  CHECK(decode_error_of(R"({"cpu":123456789012345678901234567890})")
        != decode_error::none);
}

TEST_CASE("decode leaves an empty sample and the format untouched on failure") {
  auto out = fixed_sample();
  wire_format fmt = wire_format::influx;
  CHECK(decode_exact(R"({"cpu":5,"host":"h","cores":[1,"a"]})", out, &fmt)
        == decode_error::wrong_type);
  CHECK(out == sample{});
  CHECK(fmt == wire_format::influx);
  out = fixed_sample();
  CHECK(decode_exact("cpu,cpu=cpu0,host=h usage_idle=5", out, &fmt)
        == decode_error::missing_field);
  CHECK(out == sample{});
}

TEST_CASE("decode replaces everything a previous decode left in the sample") {
  sample out;
  REQUIRE(decode_exact(golden_json, out) == decode_error::none);
  REQUIRE(decode_exact(R"({"cpu":3})", out) == decode_error::none);
  sample expected;
  expected.cpu = 3;
  CHECK(out == expected);
}

TEST_CASE("encode appends to its output instead of replacing it") {
  std::string out = "prefix:";
  encode(wire_format::json, fixed_sample(), out);
  CHECK(out == "prefix:" + std::string{golden_json});
}

// -- robustness ---------------------------------------------------------------

TEST_CASE("decoding any prefix of a valid payload never reads past it") {
  auto json = encoded(wire_format::json, fixed_sample());
  auto json_failures = 0u;
  for (size_t n = 0; n < json.size(); ++n)
    if (decode_error_of(std::string_view{json}.substr(0, n))
        != decode_error::none)
      ++json_failures;
  CHECK(json_failures == json.size());
  CHECK(decode_error_of(json) == decode_error::none);

  // Cutting influx text at a line end or inside a timestamp still leaves
  // valid line protocol, so only the cuts before the first value must fail.
  auto influx = encoded(wire_format::influx, fixed_sample());
  auto first_value = influx.find("usage_idle=") + "usage_idle="sv.size();
  auto influx_failures = 0u;
  for (size_t n = 0; n <= influx.size(); ++n) {
    sample out;
    auto err = decode_exact(std::string_view{influx}.substr(0, n), out);
    if (n <= first_value && err != decode_error::none)
      ++influx_failures;
    if (err != decode_error::none)
      CHECK(out == sample{});
  }
  CHECK(influx_failures == first_value + 1);
}

TEST_CASE("decoding random bytes after each format's lead-in never crashes") {
  std::mt19937 rng{20240611};
  std::uniform_int_distribution<int> byte{0, 255};
  std::uniform_int_distribution<size_t> length{0, 64};
  auto alphabet = "cpu,= \"\\\n\r0123456789.e-iu{}[]:tfnal_"sv;
  std::uniform_int_distribution<size_t> pick{0, alphabet.size() - 1};
  auto clean_failures = true;
  for (std::string lead : {"", "{", "cpu,", "cpu,cpu=cpu-total "}) {
    for (int round = 0; round < 2000; ++round) {
      auto payload = lead;
      auto n = length(rng);
      for (size_t i = 0; i < n; ++i)
        payload += round % 2 == 0 ? static_cast<char>(byte(rng))
                                  : alphabet[pick(rng)];
      sample out;
      if (decode_exact(payload, out) != decode_error::none && out != sample{})
        clean_failures = false;
    }
  }
  CHECK(clean_failures);
}

#ifdef KSCOPE_TEST_DATA
TEST_CASE("every stored payload in tests/data/payloads decodes") {
  namespace fs = std::filesystem;
  auto dir = fs::path{KSCOPE_TEST_DATA} / "payloads";
  auto count = 0;
  for (auto& entry : fs::directory_iterator{dir}) {
    CAPTURE(entry.path().string());
    std::ifstream in{entry.path(), std::ios::binary};
    std::string payload{std::istreambuf_iterator<char>{in},
                        std::istreambuf_iterator<char>{}};
    sample out;
    CHECK(decode_exact(payload, out) == decode_error::none);
    ++count;
  }
  CHECK(count > 0);
}
#endif
