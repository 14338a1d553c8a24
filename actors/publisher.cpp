#include "actors/publisher.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "messages/errors.hpp"
#include "messages/type_ids.hpp"

namespace kscope {

publisher_actor::behavior_type
publisher(publisher_actor::stateful_pointer<publisher_state> self,
          std::shared_ptr<kafka_producer> producer, publisher_config cfg,
          publisher_status_sink status_sink) {
  self->state.producer = std::move(producer);
  self->state.next_status = self->clock().now();
  auto report = [=](bool final) {
    auto& st = self->state;
    auto status = st.producer->status();
    status.state_age_s = st.state_age.age_s(status.state,
                                            std::chrono::steady_clock::now());
    if (cfg.outbox)
      status.dropped += cfg.outbox->dropped();
    status.final = final;
    if (final || status != st.last_reported) {
      st.last_reported = status;
      if (status_sink)
        self->send(status_sink, status);
    }
  };
  // Returns false (after quitting) when the producer hit a fatal error.
  auto poll = [=] {
    auto& st = self->state;
    st.producer->poll();
    if (auto& fatal = st.producer->fatal_error()) {
      report(true);
      self->quit(caf::make_error(errc::kafka_fatal, *fatal));
      return false;
    }
    return true;
  };
  // One timer chain at a time: rescheduling bumps the generation, and the
  // older chain's tick is ignored when it arrives.
  auto schedule = [=](std::chrono::milliseconds delay) {
    auto gen = ++self->state.tick_gen;
    self->delayed_send(self, delay, tick_atom_v, gen);
  };
  auto publish = [=](const sample& x) {
    auto& st = self->state;
    st.buf.clear();
    encode(cfg.format, x, st.buf);
    if (st.buf.size() > max_payload_size) {
      // Viewers refuse longer payloads: a host with very many cores (influx
      // spends a line on each) sends its totals rather than nothing, and
      // one with hundreds of interfaces and disks leaves those out.
      auto smaller = x;
      smaller.cores.clear();
      st.buf.clear();
      encode(cfg.format, smaller, st.buf);
      if (st.buf.size() > max_payload_size) {
        smaller.nets.clear();
        smaller.disks.clear();
        smaller.metrics.remove(metric_kind::net);
        smaller.metrics.remove(metric_kind::disk);
        st.buf.clear();
        encode(cfg.format, smaller, st.buf);
      }
    }
    st.producer->produce(x.host, st.buf, x.ts_ns / 1000000);
    if (st.idle) {
      st.idle = false;
      schedule(cfg.poll_interval);
    }
  };
  // Samples taken while no publisher lived are waiting.
  auto drain = [=] {
    if (cfg.outbox)
      cfg.outbox->drain(publish);
  };
  schedule(std::chrono::milliseconds{0});
  drain();
  return {
    [=](const sample& x) { publish(x); },
    // A source at thousands of samples a second sends them in batches: the
    // hop is paid per batch.
    [=](const std::vector<sample>& xs) {
      for (const auto& x : xs)
        publish(x);
      // Serve the delivery reports now rather than on the next tick: at
      // a million samples a second, 50 ms of unserved reports would hold
      // librdkafka's queue (queue.buffering.max.messages counts them) near
      // full, and the memory with it.
      if (xs.size() > 1)
        poll();
    },
    [=](outbox_atom) { drain(); },
    [=](tick_atom, uint64_t gen) {
      auto& st = self->state;
      if (gen != st.tick_gen)
        return;
      if (!poll())
        return;
      auto now = self->clock().now();
      if (st.draining && (st.producer->pending() == 0
                          || now >= st.drain_deadline)) {
        report(true);
        self->quit();
        return;
      }
      if (now >= st.next_status) {
        report(false);
        st.next_status = now + cfg.status_interval;
      }
      st.idle = !st.draining && st.producer->pending() == 0;
      schedule(st.idle ? cfg.status_interval : cfg.poll_interval);
    },
    [=](stop_atom) {
      auto& st = self->state;
      if (st.draining)
        return;
      drain();
      st.draining = true;
      st.idle = false;
      st.drain_deadline = self->clock().now() + cfg.flush_timeout;
      schedule(std::chrono::milliseconds{0});
    },
  };
}

} // namespace kscope
