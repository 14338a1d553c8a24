#include "actors/logic/alert_rules.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace kscope;

namespace {

constexpr int64_t s = 1'000'000'000;
constexpr int64_t t0 = 1'800'000'000 * s;

alert_rule rule(const std::string& text) {
  std::string err;
  auto r = parse_alert_rule(text, err);
  INFO(text << ": " << err);
  REQUIRE(r.has_value());
  return *r;
}

std::string error_of(const std::string& text) {
  std::string err;
  CHECK_FALSE(parse_alert_rule(text, err).has_value());
  return err;
}

metric_reading reading(const std::string& host, int64_t ts, double cpu) {
  metric_reading x;
  x.host = host;
  x.ts_ns = ts;
  x.values[static_cast<size_t>(alert_metric::cpu)] = cpu;
  return x;
}

/// Feeds `values` to `e` for one host, one every 500 ms from `start`.
std::vector<alert_event> feed(alert_engine& e, const std::vector<double>& values,
                              int64_t start = t0) {
  std::vector<alert_event> out;
  for (size_t i = 0; i < values.size(); ++i) {
    auto ts = start + static_cast<int64_t>(i) * s / 2;
    e.observe(reading("web-1", ts, values[i]), ts, out);
  }
  return out;
}

} // namespace

TEST_CASE("alert rules parse every form: name, metric, operator, value with "
          "units, for, clear, hosts and severity") {
  auto hot = rule("hot: cpu > 90 for 30s");
  CHECK(hot.name == "hot");
  CHECK(hot.metric == alert_metric::cpu);
  CHECK(hot.op == alert_op::gt);
  CHECK(hot.threshold == 90);
  CHECK(hot.for_ns == 30 * s);
  CHECK(hot.clear_ns == 30 * s);
  CHECK(hot.severity == alert_severity::warning);
  CHECK(hot.hosts == nullptr);
  auto full = rule("full: mem >= 95% for 1m critical");
  CHECK(full.metric == alert_metric::mem);
  CHECK(full.op == alert_op::ge);
  CHECK(full.threshold == 95);
  CHECK(full.for_ns == 60 * s);
  CHECK(full.severity == alert_severity::critical);
  auto net = rule("busy-net: net.recv > 100MB/s for 10s hosts=^web- clear 2s");
  CHECK(net.metric == alert_metric::net_recv);
  CHECK(net.threshold == 100e6);
  CHECK(net.clear_ns == 2 * s);
  REQUIRE(net.hosts != nullptr);
  CHECK(net.hosts_text == "^web-");
  CHECK(rule("io: disk.write>512KiB/s").threshold == 512 * 1024);
  CHECK(rule("io: disk.write>512KiB/s").for_ns == 0);
  CHECK(rule("idle: load < 0.5 for 5m").metric == alert_metric::load1);
  CHECK(rule("x: load15 <= 2 clear=10s").clear_ns == 10 * s);
  CHECK(rule("g: gpu > 50 for 500ms").for_ns == s / 2);
}

TEST_CASE("a bad alert rule names what was expected") {
  CHECK(error_of("cpu > 90").find("':' after the name 'cpu'")
        != std::string::npos);
  CHECK(error_of(": cpu > 90").find("a name") != std::string::npos);
  CHECK(error_of("hot: cpu >> 90").find("a number") != std::string::npos);
  CHECK(error_of("hot: temp > 90").find("a metric") != std::string::npos);
  CHECK(error_of("hot: cpu = 90").find("an operator") != std::string::npos);
  CHECK(error_of("hot: cpu > 90MB/s").find("a percentage")
        != std::string::npos);
  CHECK(error_of("n: net > 100%").find("a rate like") != std::string::npos);
  CHECK(error_of("l: load > 2%").find("plain number") != std::string::npos);
  CHECK(error_of("hot: cpu > 90 for ever").find("a duration")
        != std::string::npos);
  CHECK(error_of("hot: cpu > 90 hosts=(").find("regular expression")
        != std::string::npos);
  CHECK(error_of("hot: cpu > 90 urgent").find("instead of 'urgent'")
        != std::string::npos);
  CHECK(error_of("no-data: cpu > 1").find("built-in") != std::string::npos);
}

TEST_CASE("a spike shorter than for raises nothing") {
  alert_engine e{{rule("hot: cpu > 90 for 5s")}, 0};
  std::vector<double> v(40, 10);
  for (size_t i = 10; i < 18; ++i) // 4 s above
    v[i] = 99;
  CHECK(feed(e, v).empty());
}

TEST_CASE("a value flapping around the threshold gives exactly one firing "
          "and one resolved event") {
  alert_engine e{{rule("hot: cpu > 90 for 5s")}, 0};
  std::vector<double> v;
  for (int i = 0; i < 20; ++i) // 10 s above: firing after 5 s
    v.push_back(95);
  for (int i = 0; i < 40; ++i) // 20 s flapping: never 5 s below in a row
    v.push_back(i % 2 == 0 ? 89 : 91);
  for (int i = 0; i < 20; ++i) // 10 s below: resolved after 5 s
    v.push_back(10);
  auto events = feed(e, v);
  REQUIRE(events.size() == 2);
  CHECK(events[0].firing);
  CHECK(events[0].rule == "hot");
  CHECK(events[0].host == "web-1");
  CHECK(events[0].value == 95);
  CHECK(events[0].threshold == 90);
  CHECK(events[0].ts_ns == t0 + 5 * s);
  CHECK_FALSE(events[1].firing);
  CHECK(events[1].ts_ns == t0 + 30 * s + 5 * s);
  CHECK(events[1].since_ns == events[0].ts_ns);
  auto json = to_json(events[1]);
  CHECK(json.find("\"state\":\"resolved\"") != std::string::npos);
  CHECK(json.find("\"host\":\"web-1\"") != std::string::npos);
  CHECK(json.find("\"ts\":" + std::to_string(events[1].ts_ns))
        != std::string::npos);
}

TEST_CASE("for runs on the samples' time: a late batch neither stretches "
          "nor shrinks it, and a late old sample changes nothing") {
  alert_engine e{{rule("hot: cpu > 90 for 5s")}, 0};
  std::vector<alert_event> out;
  // Samples 0..6 s arrive together, 10 s late: firing at sample time 5 s.
  for (int i = 0; i <= 12; ++i)
    e.observe(reading("web-1", t0 + i * s / 2, 95), t0 + 16 * s, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].ts_ns == t0 + 5 * s);
  // An old sample below the threshold, arriving now, resolves nothing.
  e.observe(reading("web-1", t0 + s, 1), t0 + 17 * s, out);
  CHECK(out.size() == 1);
}

TEST_CASE("no-data fires for a silent host on the alerter's clock and "
          "resolves when data returns") {
  alert_engine e{{rule("hot: cpu > 90 for 5s")}, 10 * s};
  std::vector<alert_event> out;
  e.observe(reading("web-1", t0, 5), t0, out);
  e.check_silence(t0 + 10 * s, out);
  CHECK(out.empty());
  e.check_silence(t0 + 11 * s, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].rule == "no-data");
  CHECK(out[0].firing);
  CHECK(out[0].severity == alert_severity::critical);
  // Once: a silent host raises no-data one time.
  e.check_silence(t0 + 20 * s, out);
  CHECK(out.size() == 1);
  size_t total = 0;
  CHECK(e.firing(10, total).size() == 1);
  e.observe(reading("web-1", t0 + 25 * s, 5), t0 + 25 * s, out);
  REQUIRE(out.size() == 2);
  CHECK_FALSE(out[1].firing);
  CHECK(out[1].rule == "no-data");
  e.firing(10, total);
  CHECK(total == 0);
}

TEST_CASE("hosts= limits a rule to matching hosts, and each host has its "
          "own state") {
  alert_engine e{{rule("hot: cpu > 90 hosts=^web-")}, 0};
  std::vector<alert_event> out;
  e.observe(reading("db-1", t0, 99), t0, out);
  CHECK(out.empty());
  e.observe(reading("web-1", t0, 99), t0, out);
  e.observe(reading("web-2", t0, 99), t0, out);
  CHECK(out.size() == 2);
  size_t total = 0;
  auto list = e.firing(1, total);
  CHECK(total == 2);
  CHECK(list.size() == 1);
}
