#include "actors/logic/proc_stat.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace kscope;

namespace {

/// Folder holding the fixture `<name>/stat`.
std::string fixture_root(const std::string& name) {
  return std::string{KSCOPE_TEST_DATA} + "/proc/" + name;
}

std::string read_text(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

cpu_times times(uint64_t user, uint64_t nice, uint64_t system, uint64_t idle,
                uint64_t iowait = 0, uint64_t irq = 0, uint64_t softirq = 0,
                uint64_t steal = 0, uint64_t guest = 0,
                uint64_t guest_nice = 0) {
  cpu_times t;
  t.user = user;
  t.nice = nice;
  t.system = system;
  t.idle = idle;
  t.iowait = iowait;
  t.irq = irq;
  t.softirq = softirq;
  t.steal = steal;
  t.guest = guest;
  t.guest_nice = guest_nice;
  return t;
}

/// `t` with `busy` ticks of user time and `idle` ticks of idle time added.
cpu_times advanced(cpu_times t, uint64_t busy, uint64_t idle) {
  t.user += busy;
  t.idle += idle;
  return t;
}

void print_line(std::ostream& out, const std::string& name, const cpu_times& t) {
  out << name << ' ' << t.user << ' ' << t.nice << ' ' << t.system << ' '
      << t.idle << ' ' << t.iowait << ' ' << t.irq << ' ' << t.softirq << ' '
      << t.steal << ' ' << t.guest << ' ' << t.guest_nice << '\n';
}

/// /proc/stat text for the given cores, with an aggregate line that sums
/// the present ones, as the kernel writes it.
std::string stat_text(const std::vector<std::optional<cpu_times>>& cores) {
  cpu_times total;
  for (const auto& core : cores) {
    if (!core)
      continue;
    total.user += core->user;
    total.nice += core->nice;
    total.system += core->system;
    total.idle += core->idle;
    total.iowait += core->iowait;
    total.irq += core->irq;
    total.softirq += core->softirq;
    total.steal += core->steal;
    total.guest += core->guest;
    total.guest_nice += core->guest_nice;
  }
  std::ostringstream out;
  print_line(out, "cpu ", total);
  for (std::size_t i = 0; i < cores.size(); ++i)
    if (cores[i])
      print_line(out, "cpu" + std::to_string(i), *cores[i]);
  out << "intr 1520 12 0 0 9 0 0 0 0 1 0 0 0 143 0 0 0\n"
         "ctxt 311465\nbtime 1718013655\nprocesses 4242\n"
         "procs_running 1\nprocs_blocked 0\n"
         "softirq 9000 1 4000 2 300 200 0 5 2000 0 2492\n";
  return out.str();
}

void check_percent(double value) {
  CHECK_FALSE(std::isnan(value));
  CHECK(value >= 0.0);
  CHECK(value <= 100.0);
}

void check_percents(const cpu_usage_meter::result& r) {
  check_percent(r.total.busy);
  check_percent(r.total.user);
  check_percent(r.total.system);
  for (double core : r.cores)
    check_percent(core);
}

const cpu_times core_a = times(1000, 10, 300, 9000, 40, 5, 7, 0, 0, 0);
const cpu_times core_b = times(2000, 0, 600, 7000, 10, 1, 2, 3, 100, 0);

} // namespace

// -- parsing ------------------------------------------------------------------

TEST_CASE("parsing a realistic multi-core /proc/stat gives the aggregate and each core") {
  std::string err;
  auto reading = parse_proc_stat(read_text(fixture_root("four_cores") + "/stat"), &err);
  REQUIRE_MESSAGE(reading, err);
  CHECK(reading->total.user == 1105428);
  CHECK(reading->total.nice == 6204);
  CHECK(reading->total.system == 336360);
  CHECK(reading->total.idle == 14048872);
  CHECK(reading->total.iowait == 46103);
  CHECK(reading->total.irq == 0);
  CHECK(reading->total.softirq == 19734);
  CHECK(reading->total.steal == 0);
  CHECK(reading->total.guest == 10677);
  CHECK(reading->total.guest_nice == 0);
  REQUIRE(reading->cores.size() == 4);
  for (const auto& core : reading->cores)
    CHECK(core.has_value());
  CHECK(reading->cores[1]->user == 340478);
  CHECK(reading->cores[1]->nice == 1997);
  CHECK(reading->cores[1]->system == 98193);
  CHECK(reading->cores[1]->idle == 3060816);
  CHECK(reading->cores[1]->iowait == 19904);
  CHECK(reading->cores[1]->softirq == 7156);
  CHECK(reading->cores[1]->guest == 1385);
  CHECK(reading->cores[3]->user == 223779);
}

TEST_CASE("an offline core is absent and later cores keep their number") {
  auto reading = parse_proc_stat(read_text(fixture_root("offline_core") + "/stat"));
  REQUIRE(reading);
  REQUIRE(reading->cores.size() == 4);
  CHECK(reading->cores[0].has_value());
  CHECK_FALSE(reading->cores[1].has_value());
  REQUIRE(reading->cores[2].has_value());
  CHECK(reading->cores[2]->user == 343587);
  CHECK(reading->cores[3]->idle == 3814983);
}

TEST_CASE("an old kernel's four counters leave the later ones at zero") {
  auto reading = parse_proc_stat(read_text(fixture_root("old_kernel") + "/stat"));
  REQUIRE(reading);
  CHECK(reading->total.user == 125710);
  CHECK(reading->total.nice == 1406);
  CHECK(reading->total.system == 32492);
  CHECK(reading->total.idle == 2860042);
  CHECK(reading->total.iowait == 0);
  CHECK(reading->total.steal == 0);
  CHECK(reading->total.guest_nice == 0);
  REQUIRE(reading->cores.size() == 2);
  CHECK(reading->cores[1]->idle == 1700675);
}

TEST_CASE("counters beyond guest_nice are ignored") {
  auto reading = parse_proc_stat("cpu  1 2 3 4 5 6 7 8 9 10 11 12\n"
                                 "cpu0 1 2 3 4 5 6 7 8 9 10 junk\n");
  REQUIRE(reading);
  CHECK(reading->total.guest == 9);
  CHECK(reading->total.guest_nice == 10);
  CHECK(reading->cores[0]->guest_nice == 10);
}

TEST_CASE("tabs, carriage returns and a missing final newline are tolerated") {
  auto reading = parse_proc_stat("cpu\t1 2 3 4\r\ncpu0  1 2 3 4");
  REQUIRE(reading);
  CHECK(reading->total.idle == 4);
  REQUIRE(reading->cores.size() == 1);
  CHECK(reading->cores[0]->idle == 4);
}

TEST_CASE("malformed text is rejected with a one-line reason") {
  struct bad_case {
    const char* what;
    const char* text;
  };
  const bad_case cases[] = {
    {"empty text", ""},
    {"no cpu line", "intr 1 2 3\nctxt 5\nbtime 6\n"},
    {"only cores", "cpu0 1 2 3 4\ncpu1 1 2 3 4\n"},
    {"non-numeric counter", "cpu  1 2 x 4 5 6 7 8 9 10\n"},
    {"non-numeric core counter", "cpu  1 2 3 4\ncpu0 1 2 3 4 5 6 7 8 9 1O\n"},
    {"negative counter", "cpu  1 -2 3 4\n"},
    {"signed counter", "cpu  1 +2 3 4\n"},
    {"fraction", "cpu  1 2.5 3 4\n"},
    {"too few columns", "cpu  1 2 3\n"},
    {"core with too few columns", "cpu  1 2 3 4\ncpu0 1 2\n"},
    {"counter overflowing 64 bits", "cpu  1 2 3 99999999999999999999999\n"},
    {"absurd core number", "cpu  1 2 3 4\ncpu65536 1 2 3 4\n"},
    {"core number overflowing 64 bits", "cpu  1 2 3 4\ncpu99999999999999999999999 1 2 3 4\n"},
    {"two aggregate lines", "cpu  1 2 3 4\ncpu  1 2 3 4\n"},
    {"a core twice", "cpu  1 2 3 4\ncpu0 1 2 3 4\ncpu0 1 2 3 4\n"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    std::string err;
    CHECK_FALSE(parse_proc_stat(c.text, &err));
    CHECK_FALSE(err.empty());
    CHECK(err.find('\n') == std::string::npos);
    // Without an error sink the parser still just says no.
    CHECK_FALSE(parse_proc_stat(c.text));
  }
  std::string err;
  parse_proc_stat("intr 1 2 3\n", &err);
  CHECK(err == "no aggregate cpu line in /proc/stat");
}

TEST_CASE("the highest accepted core number is 65535") {
  auto reading = parse_proc_stat("cpu  1 2 3 4\ncpu65535 1 2 3 4\n");
  REQUIRE(reading);
  CHECK(reading->cores.size() == 65536);
  CHECK(reading->cores[65535].has_value());
  CHECK_FALSE(reading->cores[0].has_value());
}

TEST_CASE("lines that merely start with cpu are not cores") {
  auto reading = parse_proc_stat("cpu  1 2 3 4\ncpufreq 1 x\ncpu0 1 2 3 4\n");
  REQUIRE(reading);
  CHECK(reading->cores.size() == 1);
}

// -- usage arithmetic -----------------------------------------------------------

TEST_CASE("usage between two readings matches hand-computed percentages") {
  const auto before = times(100, 0, 50, 800, 50, 0, 0, 0);
  // Deltas: user 30, nice 10, system 15, idle 25, iowait 10, irq 2,
  // softirq 3, steal 5 -> 100 ticks in all.
  const auto after = times(130, 10, 65, 825, 60, 2, 3, 5);
  auto usage = usage_between(before, after);
  REQUIRE(usage);
  CHECK(usage->busy == doctest::Approx(65.0));
  CHECK(usage->user == doctest::Approx(40.0));
  CHECK(usage->system == doctest::Approx(20.0));
}

TEST_CASE("usage of a core counts guest time once") {
  // All 100 user ticks and all 50 nice ticks are spent running guests.
  const auto before = times(1000, 200, 0, 5000, 0, 0, 0, 0, 500, 100);
  const auto after = times(1100, 250, 0, 5050, 0, 0, 0, 0, 600, 150);
  auto usage = usage_between(before, after);
  REQUIRE(usage);
  // 150 busy of 200 ticks; counting guest again would give 300 of 350.
  CHECK(usage->user == doctest::Approx(75.0));
  CHECK(usage->busy == doctest::Approx(75.0));
  CHECK(usage->system == doctest::Approx(0.0));
}

TEST_CASE("iowait counts as idle") {
  const auto before = times(0, 0, 0, 0, 0);
  const auto after = times(100, 0, 0, 0, 100);
  auto usage = usage_between(before, after);
  REQUIRE(usage);
  CHECK(usage->busy == doctest::Approx(50.0));
  CHECK(usage->user == doctest::Approx(50.0));
}

TEST_CASE("steal counts as busy but neither as user nor as system") {
  const auto before = times(0, 0, 0, 0);
  const auto after = times(0, 0, 0, 75, 0, 0, 0, 25);
  auto usage = usage_between(before, after);
  REQUIRE(usage);
  CHECK(usage->busy == doctest::Approx(25.0));
  CHECK(usage->user == doctest::Approx(0.0));
  CHECK(usage->system == doctest::Approx(0.0));
}

TEST_CASE("no elapsed tick gives no usage rather than a division by zero") {
  CHECK_FALSE(usage_between(core_a, core_a));
  CHECK_FALSE(usage_between(cpu_times{}, cpu_times{}));
  // Only guest counters moving is not a tick either: they are inside user.
  auto guest_only = core_a;
  guest_only.guest += 10;
  guest_only.guest_nice += 10;
  CHECK_FALSE(usage_between(core_a, guest_only));
}

TEST_CASE("counters going backwards give neither negative nor over 100 percent") {
  SUBCASE("every counter reset") {
    CHECK_FALSE(usage_between(core_b, times(10, 0, 5, 20)));
  }
  SUBCASE("busy counters reset, idle advancing") {
    auto usage = usage_between(core_b, times(0, 0, 0, core_b.idle + 100));
    REQUIRE(usage);
    CHECK(usage->busy == doctest::Approx(0.0));
    CHECK(usage->user == doctest::Approx(0.0));
    CHECK(usage->system == doctest::Approx(0.0));
  }
  SUBCASE("idle reset, busy advancing") {
    auto usage = usage_between(core_b, times(core_b.user + 40, 0, core_b.system, 0));
    REQUIRE(usage);
    CHECK(usage->busy == doctest::Approx(100.0));
    CHECK(usage->user == doctest::Approx(100.0));
  }
  SUBCASE("counters at the top of the 64-bit range") {
    const auto max = std::numeric_limits<uint64_t>::max();
    auto usage = usage_between(cpu_times{}, times(max, max, max, max, max, max, max, max));
    REQUIRE(usage);
    check_percent(usage->busy);
    check_percent(usage->user);
    check_percent(usage->system);
    CHECK(usage->busy == doctest::Approx(75.0));
  }
}

// -- the meter ------------------------------------------------------------------

TEST_CASE("the first measurement only sets the baseline") {
  cpu_usage_meter meter;
  std::string err;
  CHECK_FALSE(meter.measure_text(stat_text({core_a, core_b}), &err));
  CHECK(err.empty());
  auto r = meter.measure_text(stat_text({advanced(core_a, 25, 75), advanced(core_b, 50, 50)}), &err);
  REQUIRE(r);
  CHECK(r->total.busy == doctest::Approx(37.5));
  CHECK(r->total.user == doctest::Approx(37.5));
  REQUIRE(r->cores.size() == 2);
  CHECK(r->cores[0] == doctest::Approx(25.0));
  CHECK(r->cores[1] == doctest::Approx(50.0));
}

TEST_CASE("the meter reads <proc_root>/stat") {
  CHECK(cpu_usage_meter{}.path() == "/proc/stat");
  CHECK(cpu_usage_meter{"/tmp/fake"}.path() == "/tmp/fake/stat");
}

TEST_CASE("a missing core reads 0 and does not shift the next core into its slot") {
  cpu_usage_meter meter;
  CHECK_FALSE(meter.measure_text(stat_text({core_a, std::nullopt, core_b})));
  auto r = meter.measure_text(
    stat_text({advanced(core_a, 25, 75), std::nullopt, advanced(core_b, 75, 25)}));
  REQUIRE(r);
  REQUIRE(r->cores.size() == 3);
  CHECK(r->cores[0] == doctest::Approx(25.0));
  CHECK(r->cores[1] == 0.0);
  CHECK(r->cores[2] == doctest::Approx(75.0));
  CHECK(r->total.busy == doctest::Approx(50.0));
}

TEST_CASE("a core that was offline at the previous reading reads 0") {
  cpu_usage_meter meter;
  CHECK_FALSE(meter.measure_text(stat_text({core_a, std::nullopt})));
  auto r = meter.measure_text(stat_text({advanced(core_a, 50, 50), core_b}));
  REQUIRE(r);
  REQUIRE(r->cores.size() == 2);
  CHECK(r->cores[0] == doctest::Approx(50.0));
  CHECK(r->cores[1] == 0.0);
}

TEST_CASE("cores appearing are tolerated and the sizes follow the new reading") {
  cpu_usage_meter meter;
  CHECK_FALSE(meter.measure_text(stat_text({core_a, core_b})));
  const std::vector<std::optional<cpu_times>> four = {
    advanced(core_a, 10, 90), advanced(core_b, 20, 80), core_a, core_b};
  auto r = meter.measure_text(stat_text(four));
  REQUIRE(r);
  check_percents(*r);
  REQUIRE(r->cores.size() == 4);
  CHECK(r->cores[0] == doctest::Approx(10.0));
  CHECK(r->cores[1] == doctest::Approx(20.0));
  CHECK(r->cores[2] == 0.0);
  CHECK(r->cores[3] == 0.0);
  // From now on the new cores are measured too.
  r = meter.measure_text(stat_text({advanced(*four[0], 1, 1), advanced(*four[1], 1, 3),
                                    advanced(*four[2], 3, 1), advanced(*four[3], 4, 0)}));
  REQUIRE(r);
  REQUIRE(r->cores.size() == 4);
  CHECK(r->cores[0] == doctest::Approx(50.0));
  CHECK(r->cores[1] == doctest::Approx(25.0));
  CHECK(r->cores[2] == doctest::Approx(75.0));
  CHECK(r->cores[3] == doctest::Approx(100.0));
}

TEST_CASE("cores vanishing are tolerated and the sizes follow the new reading") {
  cpu_usage_meter meter;
  CHECK_FALSE(meter.measure_text(stat_text({core_a, core_b, core_a, core_b})));
  // The aggregate loses two cores' worth of counters: it goes backwards.
  auto r = meter.measure_text(stat_text({advanced(core_a, 30, 70), advanced(core_b, 60, 40)}));
  REQUIRE(r);
  check_percents(*r);
  REQUIRE(r->cores.size() == 2);
  CHECK(r->cores[0] == doctest::Approx(30.0));
  CHECK(r->cores[1] == doctest::Approx(60.0));
}

TEST_CASE("counters that do not advance repeat the previous result") {
  cpu_usage_meter meter;
  const auto t0 = stat_text({core_a, core_b});
  const auto t1 = stat_text({advanced(core_a, 20, 80), advanced(core_b, 40, 60)});
  SUBCASE("before any usage was measured, the repeat is zero usage") {
    CHECK_FALSE(meter.measure_text(t0));
    auto r = meter.measure_text(t0);
    REQUIRE(r);
    CHECK(r->total.busy == 0.0);
    CHECK(r->total.user == 0.0);
    CHECK(r->total.system == 0.0);
    REQUIRE(r->cores.size() == 2);
    CHECK(r->cores[0] == 0.0);
    CHECK(r->cores[1] == 0.0);
  }
  SUBCASE("after a measured interval, that interval is repeated") {
    CHECK_FALSE(meter.measure_text(t0));
    auto first = meter.measure_text(t1);
    REQUIRE(first);
    for (int i = 0; i < 3; ++i) {
      auto again = meter.measure_text(t1);
      REQUIRE(again);
      CHECK(again->total.busy == first->total.busy);
      CHECK(again->total.user == first->total.user);
      CHECK(again->total.system == first->total.system);
      CHECK(again->cores == first->cores);
      check_percents(*again);
    }
  }
  SUBCASE("a core that stalls while others advance repeats its own previous value") {
    CHECK_FALSE(meter.measure_text(t0));
    REQUIRE(meter.measure_text(t1));
    auto r = meter.measure_text(
      stat_text({advanced(core_a, 20 + 10, 80 + 30), advanced(core_b, 40, 60)}));
    REQUIRE(r);
    REQUIRE(r->cores.size() == 2);
    CHECK(r->cores[0] == doctest::Approx(25.0));
    CHECK(r->cores[1] == doctest::Approx(40.0));
  }
}

TEST_CASE("a core that comes back with reset counters reads within 0..100") {
  cpu_usage_meter meter;
  CHECK_FALSE(meter.measure_text(stat_text({core_a, core_b})));
  auto r = meter.measure_text(stat_text({advanced(core_a, 10, 10), times(3, 0, 1, 7)}));
  REQUIRE(r);
  check_percents(*r);
  REQUIRE(r->cores.size() == 2);
  CHECK(r->cores[0] == doctest::Approx(50.0));
  CHECK(r->cores[1] == 0.0);
  // The reset core is the new baseline, so it is measured normally next.
  r = meter.measure_text(stat_text({advanced(core_a, 20, 20), times(6, 0, 1, 8)}));
  REQUIRE(r);
  CHECK(r->cores[1] == doctest::Approx(75.0));
}

TEST_CASE("malformed text gives no result and keeps the earlier baseline") {
  const char* bad_texts[] = {
    "intr 1 2 3\nctxt 5\n",
    "cpu  1 2 x 4 5 6 7 8 9 10\n",
    "cpu  1 2 3\ncpu0 1 2 3\n",
  };
  for (const char* bad : bad_texts) {
    CAPTURE(bad);
    cpu_usage_meter meter;
    std::string err;
    CHECK_FALSE(meter.measure_text(stat_text({core_a, core_b}), &err));
    CHECK_FALSE(meter.measure_text(bad, &err));
    CHECK_FALSE(err.empty());
    CHECK(err.find('\n') == std::string::npos);
    auto r = meter.measure_text(
      stat_text({advanced(core_a, 10, 30), advanced(core_b, 30, 10)}), &err);
    REQUIRE(r);
    CHECK(r->total.busy == doctest::Approx(50.0));
    REQUIRE(r->cores.size() == 2);
    CHECK(r->cores[0] == doctest::Approx(25.0));
    CHECK(r->cores[1] == doctest::Approx(75.0));
  }
}

TEST_CASE("malformed text before any good reading sets no baseline") {
  cpu_usage_meter meter;
  std::string err;
  CHECK_FALSE(meter.measure_text("cpu  1 2\n", &err));
  CHECK_FALSE(err.empty());
  CHECK_FALSE(meter.measure_text(stat_text({core_a})));
  CHECK(meter.measure_text(stat_text({advanced(core_a, 1, 1)})));
}

// -- the file -----------------------------------------------------------------

TEST_CASE("measuring a fixture folder twice gives a baseline, then a zero-tick repeat") {
  cpu_usage_meter meter{fixture_root("four_cores")};
  CHECK(meter.path() == fixture_root("four_cores") + "/stat");
  std::string err;
  CHECK_FALSE(meter.measure(&err));
  CHECK(err.empty());
  auto r = meter.measure(&err);
  REQUIRE_MESSAGE(r, err);
  CHECK(r->total.busy == 0.0);
  REQUIRE(r->cores.size() == 4);
  for (double core : r->cores)
    CHECK(core == 0.0);
}

TEST_CASE("measuring a fixture folder with an offline core sizes the result by core number") {
  cpu_usage_meter meter{fixture_root("offline_core")};
  CHECK_FALSE(meter.measure());
  auto r = meter.measure();
  REQUIRE(r);
  CHECK(r->cores.size() == 4);
}

TEST_CASE("a missing stat file gives an error naming the path") {
  const std::string root = fixture_root("no_such_folder");
  cpu_usage_meter meter{root};
  std::string err;
  CHECK_FALSE(meter.measure(&err));
  CHECK(err == "cannot read " + root + "/stat: " + std::strerror(ENOENT));
  CHECK_FALSE(meter.measure());
}

TEST_CASE("the live /proc/stat gives usage within 0..100 for every core") {
  cpu_usage_meter meter{"/proc"};
  std::string err;
  CHECK_FALSE(meter.measure(&err));
  REQUIRE_MESSAGE(err.empty(), err);
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  auto r = meter.measure(&err);
  REQUIRE_MESSAGE(r, err);
  check_percents(*r);

  // Cores are numbered, so the size is the highest cpuN plus one; that is the
  // count of cpuN lines unless a core is offline.
  std::istringstream text{read_text("/proc/stat")};
  std::size_t expected = 0;
  for (std::string line; std::getline(text, line);) {
    if (line.rfind("cpu", 0) != 0 || line.size() < 4 || line[3] < '0' || line[3] > '9')
      continue;
    expected = std::max<std::size_t>(expected, std::stoul(line.substr(3)) + 1);
  }
  CHECK(expected > 0);
  CHECK(r->cores.size() == expected);
}
