#include "actors/alerter.hpp"

#include <cinttypes>
#include <cstdio>
#include <thread>

#include <pthread.h>

#include "actors/logic/clock.hpp"
#include "messages/type_ids.hpp"

namespace kscope {

namespace {

constexpr size_t summary_size = 50;

std::string number(double x) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.6g", x);
  return buf;
}

std::string age(int64_t ns) {
  auto s = ns / 1'000'000'000;
  if (s < 60)
    return std::to_string(s) + "s";
  if (s < 3600)
    return std::to_string(s / 60) + "m " + std::to_string(s % 60) + "s";
  return std::to_string(s / 3600) + "h " + std::to_string(s / 60 % 60) + "m";
}

} // namespace

std::string describe(const alert_event& x) {
  std::string out = x.firing ? "alert firing: " : "alert resolved: ";
  out += x.rule + " " + x.host;
  if (x.rule == no_data_rule)
    out += x.firing ? " silent for " + number(x.value) + " s"
                    : " sends again after " + number(x.value) + " s";
  else
    out += " " + x.metric + " " + number(x.value) + " (" + x.op + " "
           + number(x.threshold) + ")";
  out += std::string{" "} + to_string(x.severity);
  if (!x.firing && x.since_ns > 0 && x.ts_ns >= x.since_ns)
    out += ", fired " + age(x.ts_ns - x.since_ns) + " before";
  return out;
}

alerter_actor::behavior_type
alerter(alerter_actor::stateful_pointer<alerter_state> self,
        alerter_config cfg, window_actor window, caf::actor log) {
  // Hands on every event in the outbox, oldest first. An event leaves the
  // outbox only once handed to librdkafka (which keeps it across restarts)
  // and to the exec runner.
  auto dispatch = [=] {
    std::vector<alert_event> ready;
    {
      std::lock_guard<std::mutex> guard{cfg.store->mtx};
      ready.assign(cfg.store->outbox.begin(), cfg.store->outbox.end());
      cfg.store->outbox.clear();
    }
    for (auto& e : ready) {
      auto json = to_json(e);
      if (cfg.producer)
        cfg.producer->produce(e.host, json, wall_clock_ns() / 1'000'000);
      if (cfg.exec)
        cfg.exec->submit(json, {{"KSCOPE_ALERT_RULE", e.rule},
                                {"KSCOPE_ALERT_HOST", e.host},
                                {"KSCOPE_ALERT_STATE",
                                 e.firing ? "firing" : "resolved"},
                                {"KSCOPE_ALERT_VALUE", number(e.value)},
                                {"KSCOPE_ALERT_THRESHOLD",
                                 number(e.threshold)},
                                {"KSCOPE_ALERT_TS", std::to_string(e.ts_ns)},
                                {"KSCOPE_ALERT_SEVERITY",
                                 to_string(e.severity)},
                                {"KSCOPE_ALERT_METRIC", e.metric}});
      if (log)
        caf::anon_send(log, status_atom_v, describe(e));
    }
    return !ready.empty();
  };
  auto summarize = [=] {
    alert_summary sum;
    {
      std::lock_guard<std::mutex> guard{cfg.store->mtx};
      size_t total = 0;
      sum.firing = cfg.store->engine.firing(summary_size, total);
      sum.firing_total = total;
      sum.events = cfg.store->events;
    }
    self->send(window, std::move(sum));
  };
  // A detached actor: this is its own thread. Named, so its CPU can be
  // told apart (top -H, /proc/PID/task; bench/alert-bench reads it).
  pthread_setname_np(pthread_self(), "kscope.alerter");
  if (cfg.exec && log) {
    auto sink = caf::actor_cast<caf::actor>(log);
    cfg.exec->set_log([sink](const std::string& line) {
      caf::anon_send(sink, status_atom_v, line);
    });
  }
  // What an earlier incarnation decided but could not hand on.
  if (dispatch())
    summarize();
  self->send(window, alerts_atom_v);
  self->delayed_send(self, cfg.interval, tick_atom_v);
  return {
    [=](std::vector<metric_reading>& xs) {
      if (cfg.on_readings)
        cfg.on_readings(xs);
      auto now = wall_clock_ns();
      std::vector<alert_event> events;
      {
        std::lock_guard<std::mutex> guard{cfg.store->mtx};
        for (const auto& x : xs)
          cfg.store->engine.observe(x, now, events);
        cfg.store->events += events.size();
        for (auto& e : events)
          cfg.store->outbox.push_back(std::move(e));
      }
      if (dispatch())
        summarize();
    },
    [=](tick_atom) {
      std::vector<alert_event> events;
      {
        std::lock_guard<std::mutex> guard{cfg.store->mtx};
        cfg.store->engine.check_silence(wall_clock_ns(), events);
        cfg.store->events += events.size();
        for (auto& e : events)
          cfg.store->outbox.push_back(std::move(e));
      }
      dispatch();
      if (cfg.producer)
        cfg.producer->poll();
      summarize();
      self->delayed_send(self, cfg.interval, tick_atom_v);
    },
    [=](stop_atom) {
      dispatch();
      if (cfg.producer) {
        // Bounded: a dead alert topic must not hold up the stop forever.
        auto deadline = std::chrono::steady_clock::now() + cfg.flush_timeout;
        cfg.producer->poll();
        while (cfg.producer->pending() > 0
               && std::chrono::steady_clock::now() < deadline) {
          std::this_thread::sleep_for(std::chrono::milliseconds{20});
          cfg.producer->poll();
        }
      }
      self->quit();
    },
  };
}

} // namespace kscope
