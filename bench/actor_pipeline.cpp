// The actor pipeline as `kscope run` wires it, with the synthetic source in
// place of the sampler and a sink in place of the display:
//
//   source --sample--> publisher --Kafka--> consumer --sample--> window
//                        |                  (detached)            |
//                        v publisher_status                       v snapshot
//                      this thread                              sink
//
// The window's on_sample hook feeds the probe.

#include <atomic>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/after.hpp>
#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <caf/system_messages.hpp>

#include "actors/logic/chart.hpp"
#include "actors/consumer.hpp"
#include "actors/edges/kafka.hpp"
#include "actors/publisher.hpp"
#include "actors/roles.hpp"
#include "actors/logic/terminal_canvas.hpp"
#include "actors/window.hpp"
#include "bench/pipelines.hpp"
#include "bench/synthetic_source.hpp"
#include "bench/workload.hpp"
#include "messages/type_ids.hpp"

namespace kscope::bench {

namespace {

/// Stands in for the display: takes every snapshot, keeps the malformed
/// count, and with `render` draws it as the terminal chart would (into a
/// string nobody prints).
caf::behavior snapshot_sink(caf::event_based_actor* self, bool render,
                            std::shared_ptr<std::atomic<uint64_t>> malformed) {
  return {
    [=](const snapshot& x) {
      malformed->store(x.status.malformed_total(), std::memory_order_release);
      if (render)
        static_cast<void>(
          render_terminal_frame(x, 160, 48, chart_style{}, true));
    },
    [=](stop_atom) { self->quit(); },
  };
}


} // namespace

phase_result run_actor_phase(const phase_setup& setup) {
  phase_result result;
  result.pipeline = "kscope";
  phase_meter resources{setup.broker_pid};
  resources.reset_peak();
  std::string err;
  producer_settings pset;
  pset.brokers = setup.brokers;
  pset.topic = setup.topic;
  pset.properties = setup.properties;
  std::shared_ptr<kafka_producer> producer = kafka_producer::make(pset, err);
  consumer_settings cset;
  cset.brokers = setup.brokers;
  cset.topics = {setup.topic};
  cset.start.kind = start_offset::beginning;
  cset.properties = setup.properties;
  std::shared_ptr<kafka_consumer> kconsumer;
  if (producer)
    kconsumer = kafka_consumer::make(cset, err);
  if (!producer || !kconsumer) {
    result.error = err;
    return result;
  }
  auto meter = std::make_shared<probe>(warmup_host);
  auto malformed = std::make_shared<std::atomic<uint64_t>>(0);
  publisher_status last_status;
  int64_t last_delivery_ns = 0;
  uint64_t warmups = 0;
  bool ready = false;
  bool completed = false;
  {
    caf::actor_system_config cfg;
    configure(cfg);
    caf::actor_system sys{cfg};
    caf::scoped_actor self{sys, true};
    auto sink = sys.spawn(snapshot_sink, setup.render, malformed);
    window_actor_config wcfg;
    wcfg.fps = setup.fps;
    wcfg.on_sample = [meter](const sample& x, int64_t now_ns) {
      meter->on_received(x, now_ns);
    };
    auto win = sys.spawn(window, wcfg, sink, caf::actor{});
    auto cons = sys.spawn<caf::detached>(consumer, kconsumer,
                                         consumer_config{}, win);
    publisher_config pcfg;
    pcfg.format = setup.format;
    // Status as often as delivery reports are served, so the end of the
    // produce side is seen when the publisher sees it.
    pcfg.status_interval = pcfg.poll_interval;
    auto pub = sys.spawn(publisher, producer, pcfg, caf::actor{self});
    std::vector<caf::actor> actors{sink, win, cons, pub};
    for (auto& x : actors)
      self->monitor(x);
    size_t down = 0;
    // Handles what arrives at this thread for up to `wait`.
    auto serve = [&](std::chrono::milliseconds wait) {
      self->receive(
        [&](publisher_status& x) {
          if (x.delivered > last_status.delivered)
            last_delivery_ns = wall_clock_ns();
          last_status = std::move(x);
        },
        [&](caf::down_msg&) { ++down; }, caf::after(wait) >> [] {});
    };
    // Warm up: one sample every 100 ms until one made it to the window.
    auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 300 && !ready; ++i) {
      caf::anon_send(pub, make_sample(warmup_host, 0, setup.cores));
      ++warmups;
      for (int j = 0; j < 10 && !(ready = meter->ready()); ++j)
        serve(std::chrono::milliseconds{10});
      report_progress(setup, *meter, started, "starting");
      if (setup.stop && setup.stop())
        break;
    }
    if (ready) {
      resources.begin();
      source_config scfg;
      scfg.rate = setup.rate;
      scfg.count = setup.count;
      scfg.duration = setup.duration;
      scfg.host = bench_host;
      scfg.cores = setup.cores;
      scfg.in_flight = setup.in_flight;
      auto src = sys.spawn(synthetic_source, scfg, meter, pub);
      self->monitor(src);
      actors.push_back(src);
      completed = wait_for_end(setup, *meter, serve, [&] {
        auto measured = last_status.delivered > warmups
                          ? last_status.delivered - warmups
                          : 0;
        return measured + last_status.failed + last_status.dropped;
      });
      resources.end();
    }
    // Stop in pipeline order; the publisher flushes what is left first.
    for (auto it = actors.rbegin(); it != actors.rend(); ++it)
      self->send(*it, stop_atom_v);
    bool timed_out = false;
    while (down < actors.size() && !timed_out)
      self->receive(
        [&](publisher_status& x) { last_status = std::move(x); },
        [&](caf::down_msg&) { ++down; },
        caf::after(std::chrono::seconds{20}) >> [&] { timed_out = true; });
    if (timed_out)
      for (auto& x : actors)
        self->send_exit(x, caf::exit_reason::kill);
  }
  if (!ready)
    result.error = "no warm-up message came through within 30 s";
  else if (!completed)
    result.error = "interrupted";
  auto delivered = last_status.delivered > warmups
                     ? last_status.delivered - warmups
                     : 0;
  summarize(*meter, delivered, last_delivery_ns, setup.message_bytes, result);
  result.failed = last_status.failed + last_status.dropped;
  result.malformed = malformed->load();
  resources.fill(result);
  return result;
}

} // namespace kscope::bench
