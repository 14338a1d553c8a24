#include "actors/logic/alert_rules.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "messages/codec_detail.hpp"

namespace kscope {

namespace {

constexpr std::array<const char*, alert_metric_count> metric_names{{
  "cpu", "mem", "net", "net.recv", "net.sent", "disk", "disk.read",
  "disk.write", "load1", "load5", "load15", "gpu",
}};

enum class unit_kind { percent, rate, plain };

unit_kind unit_of(alert_metric x) {
  switch (x) {
    case alert_metric::cpu:
    case alert_metric::mem:
    case alert_metric::gpu:
      return unit_kind::percent;
    case alert_metric::load1:
    case alert_metric::load5:
    case alert_metric::load15:
      return unit_kind::plain;
    default:
      return unit_kind::rate;
  }
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
         || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

void skip_spaces(std::string_view& s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
}

std::string_view next_token(std::string_view& s) {
  skip_spaces(s);
  size_t n = 0;
  while (n < s.size() && s[n] != ' ' && s[n] != '\t')
    ++n;
  auto tok = s.substr(0, n);
  s.remove_prefix(n);
  return tok;
}

/// "30s", "1m", "500ms", "1h", "0": ns; nullopt otherwise.
std::optional<int64_t> parse_for(std::string_view x) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(x.data(), x.data() + x.size(), v);
  if (ec != std::errc{} || ptr == x.data() || !(v >= 0) || v > 1e7)
    return std::nullopt;
  std::string_view unit{ptr, static_cast<size_t>(x.data() + x.size() - ptr)};
  double scale = 0;
  if (unit == "ms")
    scale = 1e6;
  else if (unit == "s")
    scale = 1e9;
  else if (unit == "m")
    scale = 60e9;
  else if (unit == "h")
    scale = 3600e9;
  else if (unit.empty() && v == 0)
    scale = 1;
  else
    return std::nullopt;
  return static_cast<int64_t>(v * scale);
}

/// A threshold in the metric's unit; the error names what was expected.
std::optional<double> parse_value(std::string_view x, unit_kind unit,
                                  std::string& err) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(x.data(), x.data() + x.size(), v);
  if (ec != std::errc{} || ptr == x.data() || !std::isfinite(v)) {
    err = "a number after the operator";
    return std::nullopt;
  }
  std::string_view suffix{ptr,
                          static_cast<size_t>(x.data() + x.size() - ptr)};
  switch (unit) {
    case unit_kind::percent:
      if (!suffix.empty() && suffix != "%") {
        err = "a percentage (90 or 90%)";
        return std::nullopt;
      }
      return v;
    case unit_kind::plain:
      if (!suffix.empty()) {
        err = "a plain number for a load average";
        return std::nullopt;
      }
      return v;
    case unit_kind::rate: {
      struct prefix {
        std::string_view text;
        double scale;
      };
      static constexpr prefix units[] = {
        {"B/s", 1},      {"kB/s", 1e3},         {"KB/s", 1e3},
        {"MB/s", 1e6},   {"GB/s", 1e9},         {"TB/s", 1e12},
        {"KiB/s", 1024}, {"MiB/s", 1048576.0},  {"GiB/s", 1073741824.0},
        {"", 1},
      };
      for (auto& u : units)
        if (suffix == u.text)
          return v * u.scale;
      err = "a rate like 100MB/s, 10kB/s or 512KiB/s";
      return std::nullopt;
    }
  }
  return std::nullopt;
}

bool older_than(int64_t then, int64_t now, int64_t limit) noexcept {
  if (now <= then)
    return false;
  auto elapsed = static_cast<uint64_t>(now) - static_cast<uint64_t>(then);
  return elapsed > static_cast<uint64_t>(limit);
}

} // namespace

const char* to_string(alert_metric x) {
  return metric_names[static_cast<size_t>(x)];
}

std::optional<alert_metric> parse_alert_metric(std::string_view x) {
  if (x == "load")
    return alert_metric::load1;
  for (size_t i = 0; i < metric_names.size(); ++i)
    if (x == metric_names[i])
      return static_cast<alert_metric>(i);
  return std::nullopt;
}

const char* to_string(alert_op x) {
  switch (x) {
    case alert_op::gt:
      return ">";
    case alert_op::ge:
      return ">=";
    case alert_op::lt:
      return "<";
    case alert_op::le:
      return "<=";
  }
  return ">";
}

const char* to_string(alert_severity x) {
  return x == alert_severity::critical ? "critical" : "warning";
}

bool alert_rule::holds(double value) const {
  if (std::isnan(value))
    return false;
  switch (op) {
    case alert_op::gt:
      return value > threshold;
    case alert_op::ge:
      return value >= threshold;
    case alert_op::lt:
      return value < threshold;
    case alert_op::le:
      return value <= threshold;
  }
  return false;
}

std::optional<alert_rule> parse_alert_rule(std::string_view text,
                                           std::string& err) {
  alert_rule r;
  r.text = std::string{text};
  auto s = text;
  skip_spaces(s);
  size_t n = 0;
  while (n < s.size() && is_name_char(s[n]))
    ++n;
  if (n == 0 || n > 64) {
    err = "a name of 1 to 64 letters, digits, '-', '_' or '.' first";
    return std::nullopt;
  }
  r.name = std::string{s.substr(0, n)};
  if (r.name == no_data_rule) {
    err = "a name other than no-data (the built-in rule for silent hosts)";
    return std::nullopt;
  }
  s.remove_prefix(n);
  skip_spaces(s);
  if (s.empty() || s.front() != ':') {
    err = "':' after the name '" + r.name + "'";
    return std::nullopt;
  }
  s.remove_prefix(1);
  skip_spaces(s);
  n = 0;
  while (n < s.size() && is_name_char(s[n]))
    ++n;
  auto metric = parse_alert_metric(s.substr(0, n));
  if (!metric) {
    err = "a metric (cpu, mem, net, net.recv, net.sent, disk, disk.read, "
          "disk.write, load, load5, load15, gpu) after ':'";
    return std::nullopt;
  }
  r.metric = *metric;
  s.remove_prefix(n);
  skip_spaces(s);
  if (s.rfind(">=", 0) == 0) {
    r.op = alert_op::ge;
    s.remove_prefix(2);
  } else if (s.rfind("<=", 0) == 0) {
    r.op = alert_op::le;
    s.remove_prefix(2);
  } else if (s.rfind(">", 0) == 0) {
    r.op = alert_op::gt;
    s.remove_prefix(1);
  } else if (s.rfind("<", 0) == 0) {
    r.op = alert_op::lt;
    s.remove_prefix(1);
  } else {
    err = std::string{"an operator (>, >=, <, <=) after '"}
          + to_string(r.metric) + "'";
    return std::nullopt;
  }
  auto value = parse_value(next_token(s), unit_of(r.metric), err);
  if (!value)
    return std::nullopt;
  r.threshold = *value;
  bool clear_given = false;
  bool severity_given = false;
  for (auto tok = next_token(s); !tok.empty(); tok = next_token(s)) {
    if (tok == "for" || tok == "clear") {
      auto d = parse_for(next_token(s));
      if (!d) {
        err = "a duration like 30s, 1m or 500ms after '" + std::string{tok}
              + "'";
        return std::nullopt;
      }
      if (tok == "for") {
        r.for_ns = *d;
      } else {
        r.clear_ns = *d;
        clear_given = true;
      }
    } else if (tok.rfind("clear=", 0) == 0) {
      auto d = parse_for(tok.substr(6));
      if (!d) {
        err = "a duration like 30s after 'clear='";
        return std::nullopt;
      }
      r.clear_ns = *d;
      clear_given = true;
    } else if (tok.rfind("hosts=", 0) == 0) {
      r.hosts_text = std::string{tok.substr(6)};
      if (r.hosts_text.empty() || r.hosts_text.size() > 1000) {
        err = "a regular expression after 'hosts='";
        return std::nullopt;
      }
      try {
        r.hosts = std::make_shared<const std::regex>(r.hosts_text,
                                                     std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        err = std::string{"a regular expression after 'hosts=' ("} + e.what()
              + ")";
        return std::nullopt;
      }
    } else if (tok == "warning" || tok == "critical") {
      if (severity_given) {
        err = "one severity";
        return std::nullopt;
      }
      severity_given = true;
      r.severity = tok == "critical" ? alert_severity::critical
                                     : alert_severity::warning;
    } else {
      err = "'for DURATION', 'clear DURATION', 'hosts=REGEX', 'warning' or "
            "'critical' instead of '"
            + std::string{tok.substr(0, 40)} + "'";
      return std::nullopt;
    }
  }
  if (!clear_given)
    r.clear_ns = r.for_ns;
  return r;
}

std::string to_json(const alert_event& x) {
  char num[64];
  std::string out = "{\"rule\":";
  detail::append_json_string(out, x.rule);
  out += ",\"host\":";
  detail::append_json_string(out, x.host);
  out += ",\"state\":\"";
  out += x.firing ? "firing" : "resolved";
  out += "\",\"value\":";
  std::snprintf(num, sizeof(num), "%.17g",
                std::isfinite(x.value) ? x.value : 0.0);
  out += num;
  out += ",\"threshold\":";
  std::snprintf(num, sizeof(num), "%.17g", x.threshold);
  out += num;
  out += ",\"ts\":" + std::to_string(x.ts_ns);
  out += ",\"severity\":\"";
  out += to_string(x.severity);
  out += "\",\"metric\":";
  detail::append_json_string(out, x.metric);
  out += ",\"op\":";
  detail::append_json_string(out, x.op);
  out += ",\"since\":" + std::to_string(x.since_ns);
  out += '}';
  return out;
}

alert_engine::alert_engine(std::vector<alert_rule> rules, int64_t expire_ns)
  : rules_(std::move(rules)), expire_ns_(expire_ns) {
}

alert_event alert_engine::event(const alert_rule& r, const std::string& host,
                                bool firing, double value, int64_t ts,
                                int64_t since) const {
  alert_event e;
  e.rule = r.name;
  e.host = host;
  e.firing = firing;
  e.value = value;
  e.threshold = r.threshold;
  e.ts_ns = ts;
  e.severity = r.severity;
  e.metric = to_string(r.metric);
  e.op = to_string(r.op);
  e.since_ns = since;
  return e;
}

void alert_engine::observe(const metric_reading& x, int64_t arrival_ns,
                           std::vector<alert_event>& out) {
  auto i = hosts_.find(x.host);
  if (i == hosts_.end()) {
    if (hosts_.size() >= max_hosts) {
      ++untracked_;
      return;
    }
    host_state h;
    h.rules.resize(rules_.size());
    for (size_t k = 0; k < rules_.size(); ++k)
      h.rules[k].applies = !rules_[k].hosts
                           || std::regex_search(x.host, *rules_[k].hosts);
    i = hosts_.emplace(x.host, std::move(h)).first;
  }
  auto& h = i->second;
  h.last_arrival_ns = arrival_ns;
  if (h.silent) {
    h.silent = false;
    alert_event e;
    e.rule = std::string{no_data_rule};
    e.host = x.host;
    e.firing = false;
    e.value = static_cast<double>(arrival_ns - h.silent_since_ns) / 1e9;
    e.threshold = static_cast<double>(expire_ns_) / 1e9;
    e.ts_ns = arrival_ns;
    e.severity = alert_severity::critical;
    e.since_ns = h.silent_since_ns;
    out.push_back(std::move(e));
  }
  for (size_t k = 0; k < rules_.size(); ++k) {
    auto& st = h.rules[k];
    const auto& r = rules_[k];
    auto value = x.values[static_cast<size_t>(r.metric)];
    if (!st.applies || std::isnan(value))
      continue;
    // Late samples (older than the newest seen) neither start nor end
    // anything: `for` is measured on the samples' own time.
    if (x.ts_ns < st.last_ts)
      continue;
    st.last_ts = x.ts_ns;
    st.value = value;
    bool on = r.holds(value);
    switch (st.state) {
      case alert_state::inactive:
        if (!on)
          break;
        st.since_ns = x.ts_ns;
        st.state = alert_state::pending;
        [[fallthrough]];
      case alert_state::pending:
        if (!on) {
          st.state = alert_state::inactive;
          break;
        }
        if (x.ts_ns - st.since_ns >= r.for_ns) {
          st.state = alert_state::firing;
          st.fired_ns = x.ts_ns;
          st.clearing = false;
          out.push_back(event(r, x.host, true, value, x.ts_ns, x.ts_ns));
        }
        break;
      case alert_state::firing:
        if (on) {
          st.clearing = false;
          break;
        }
        if (!st.clearing) {
          st.clearing = true;
          st.clear_since_ns = x.ts_ns;
        }
        if (x.ts_ns - st.clear_since_ns >= r.clear_ns) {
          st.state = alert_state::inactive;
          st.clearing = false;
          out.push_back(
            event(r, x.host, false, value, x.ts_ns, st.fired_ns));
        }
        break;
    }
  }
}

void alert_engine::check_silence(int64_t now_ns,
                                 std::vector<alert_event>& out) {
  if (expire_ns_ <= 0)
    return;
  for (auto& [host, h] : hosts_) {
    if (h.silent || !older_than(h.last_arrival_ns, now_ns, expire_ns_))
      continue;
    h.silent = true;
    h.silent_since_ns = h.last_arrival_ns;
    alert_event e;
    e.rule = std::string{no_data_rule};
    e.host = host;
    e.firing = true;
    e.value = static_cast<double>(now_ns - h.last_arrival_ns) / 1e9;
    e.threshold = static_cast<double>(expire_ns_) / 1e9;
    e.ts_ns = now_ns;
    e.severity = alert_severity::critical;
    e.since_ns = now_ns;
    out.push_back(std::move(e));
  }
}

std::vector<firing_alert> alert_engine::firing(size_t most,
                                               size_t& total) const {
  std::vector<firing_alert> all;
  for (const auto& [host, h] : hosts_) {
    if (h.silent)
      all.push_back(firing_alert{std::string{no_data_rule}, host, 0,
                                 h.silent_since_ns, alert_severity::critical,
                                 alert_metric::cpu});
    for (size_t k = 0; k < rules_.size(); ++k)
      if (h.rules[k].state == alert_state::firing)
        all.push_back(firing_alert{rules_[k].name, host, h.rules[k].value,
                                   h.rules[k].fired_ns, rules_[k].severity,
                                   rules_[k].metric});
  }
  total = all.size();
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    if (a.severity != b.severity)
      return a.severity == alert_severity::critical;
    return a.since_ns != b.since_ns ? a.since_ns < b.since_ns
                                    : a.host < b.host;
  });
  if (all.size() > most)
    all.resize(most);
  return all;
}

} // namespace kscope
