// The actor pipeline exactly as `kscope run` wires it (role_children in
// actors/roles.hpp), under its supervisor, with the synthetic source in the
// sampler's place and, with --render, the real renderer drawing terminal
// frames into memory:
//
//   source --sample--> publisher --Kafka--> consumer --sample--> window
//                        |                  (detached)            |
//                        v publisher_status      viewer_status    v snapshot
//                      this thread <-----------------------   renderer
//
// The window's on_sample hook feeds the probe.

#include <mutex>
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
#include "actors/edges/surface.hpp"
#include "actors/supervisor.hpp"
#include "actors/roles.hpp"
#include "actors/logic/terminal_canvas.hpp"
#include "actors/window.hpp"
#include "bench/pipelines.hpp"
#include "bench/synthetic_source.hpp"
#include "bench/workload.hpp"
#include "messages/type_ids.hpp"

namespace kscope::bench {

namespace {

/// The terminal chart drawn into a string nobody prints: the renderer's
/// whole frame cost without a terminal.
class memory_surface : public surface {
public:
  double draw(const snapshot& snap, const chart_style& style) override {
    frame_ = render_terminal_frame(snap, 160, 48, style, true);
    return 0;
  }

  std::vector<key_action> poll_input() override {
    return {};
  }

  bool resized() override {
    return false;
  }

  bool save_png(const snapshot&, const chart_style&, const std::string&,
                std::string& err) override {
    err = "no PNG from memory";
    return false;
  }

private:
  std::string frame_;
};

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
  cset.fetch_wait_ms = setup.fetch_wait_ms;
  cset.properties = setup.properties;
  std::shared_ptr<kafka_consumer> kconsumer;
  if (producer)
    kconsumer = kafka_consumer::make(cset, err);
  if (!producer || !kconsumer) {
    result.error = err;
    return result;
  }
  auto meter = std::make_shared<probe>(warmup_host);
  uint64_t malformed = 0;
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
    role_plan plan;
    producer_half prod;
    prod.producer = producer;
    prod.publisher.format = setup.format;
    // Status as often as delivery reports are served, so the end of the
    // produce side is seen when the publisher sees it.
    prod.publisher.status_interval = prod.publisher.poll_interval;
    source_config scfg;
    scfg.rate = setup.rate;
    scfg.count = setup.count;
    scfg.duration = setup.duration;
    scfg.host = bench_host;
    scfg.cores = setup.cores;
    scfg.in_flight = setup.in_flight;
    prod.source = [scfg, meter](caf::actor_system& home,
                                const caf::actor& pub) {
      return home.spawn(synthetic_source, scfg, meter, pub);
    };
    plan.producer = prod;
    viewer_half view;
    view.consumer = kconsumer;
    view.window.fps = setup.fps;
    view.window.on_sample = [meter](const sample& x, int64_t now_ns) {
      meter->on_received(x, now_ns);
    };
    if (setup.render) {
      renderer_config draw;
      draw.fps = setup.fps;
      draw.open = [](std::string&) -> std::unique_ptr<surface> {
        return std::make_unique<memory_surface>();
      };
      view.renderer = draw;
    }
    plan.viewer = view;
    // Nothing may restart unseen while a phase is measured.
    plan.limits.max_restarts = 0;
    std::mutex mtx;
    caf::actor pub;
    caf::actor src;
    plan.on_spawn = [&](const std::string& name, const caf::actor& x) {
      std::lock_guard<std::mutex> guard{mtx};
      if (name == "publisher")
        pub = x;
      else if (name == "source")
        src = x;
    };
    auto sup = sys.spawn(supervisor, role_children(plan, caf::actor{self}),
                         plan.limits, caf::actor{self});
    bool down = false;
    // Handles what arrives at this thread for up to `wait`.
    auto serve = [&](std::chrono::milliseconds wait) {
      self->receive(
        [&](publisher_status& x) {
          if (x.delivered > last_status.delivered)
            last_delivery_ns = wall_clock_ns();
          last_status = std::move(x);
        },
        [&](viewer_status& x) { malformed = x.malformed_total(); },
        [&](status_atom, std::string&) {},
        [&](render_event&) {},
        [&](done_atom, caf::error&) { down = true; },
        caf::after(wait) >> [] {});
    };
    auto handle = [&](caf::actor& x) {
      std::lock_guard<std::mutex> guard{mtx};
      return x;
    };
    // Warm up: one sample every 100 ms until one made it to the window.
    auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 300 && !ready && !down; ++i) {
      // The supervisor spawns the children on its own thread.
      if (auto x = handle(pub)) {
        caf::anon_send(x, make_sample(warmup_host, 0, setup.cores));
        ++warmups;
      }
      for (int j = 0; j < 10 && !(ready = meter->ready()); ++j)
        serve(std::chrono::milliseconds{10});
      report_progress(setup, *meter, started, "starting");
      if (setup.stop && setup.stop())
        break;
    }
    if (ready) {
      resources.begin();
      caf::anon_send(handle(src), start_atom_v);
      completed = wait_for_end(setup, *meter, serve, [&] {
        auto measured = last_status.delivered > warmups
                          ? last_status.delivered - warmups
                          : 0;
        return measured + last_status.failed + last_status.dropped;
      });
      resources.end();
    }
    // The role's orderly stop: the publisher flushes what is left first.
    self->send(sup, stop_atom_v);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
    while (!down && std::chrono::steady_clock::now() < deadline)
      serve(std::chrono::milliseconds{100});
    if (!down)
      self->send_exit(sup, caf::exit_reason::kill);
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
  result.malformed = malformed;
  resources.fill(result);
  return result;
}

} // namespace kscope::bench
