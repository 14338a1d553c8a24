#include "actors/consumer.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "messages/codec.hpp"
#include "messages/errors.hpp"
#include "messages/type_ids.hpp"

namespace kscope {

decode_error to_sample(const kafka_record& rec, sample& out) {
  auto err = decode(rec.value, out);
  if (err != decode_error::none)
    return err;
  if (out.host.empty())
    out.host = rec.key.empty() ? std::string{rec.topic} : std::string{rec.key};
  // The seed format carries no time: the record's timestamp (producer time
  // for a default topic) is the best there is.
  if (out.ts_ns == 0 && rec.timestamp_ms > 0)
    out.ts_ns = rec.timestamp_ms * 1000000;
  return decode_error::none;
}

caf::behavior consumer(caf::stateful_actor<consumer_state>* self,
                       std::shared_ptr<kafka_consumer> kafka,
                       consumer_config cfg, caf::actor sink) {
  self->state.kafka = std::move(kafka);
  self->send(self, tick_atom_v);
  return {
    [=](tick_atom) {
      auto& st = self->state;
      st.kafka->poll(cfg.poll_timeout_ms, cfg.batch,
                     [&](const kafka_record& rec) {
                       sample x;
                       auto err = to_sample(rec, x);
                       if (err == decode_error::none)
                         self->send(sink, std::move(x));
                       else
                         ++st.status.malformed[static_cast<size_t>(err)];
                     });
      const auto& health = st.kafka->health();
      st.status.state = health.state;
      st.status.last_error = health.last_error;
      if (auto& fatal = st.kafka->fatal_error()) {
        self->send(sink, st.status);
        self->quit(caf::make_error(errc::kafka_fatal, *fatal));
        return;
      }
      auto now = std::chrono::steady_clock::now();
      if (now >= st.next_status) {
        st.next_status = now + cfg.status_interval;
        if (st.status.malformed != st.last_sent.malformed
            || st.status.state != st.last_sent.state
            || st.status.last_error != st.last_sent.last_error) {
          st.last_sent = st.status;
          self->send(sink, st.status);
        }
      }
      self->send(self, tick_atom_v);
    },
    [=](stop_atom) { self->quit(); },
  };
}

} // namespace kscope
