#include "actors/consumer.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "actors/logic/text.hpp"
#include "messages/codec.hpp"
#include "messages/errors.hpp"
#include "messages/type_ids.hpp"

namespace kscope {

namespace {

/// Control and format characters that can move the cursor, reorder or hide
/// text: C0 and C1 controls, DEL, soft hyphen, bidi marks, embeddings,
/// overrides and isolates, zero-width characters, line and paragraph
/// separators, the byte order mark, annotation and tag characters.
bool hides_or_reorders(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xAD || c == 0x61C
         || c == 0x180E || (c >= 0x200B && c <= 0x200F)
         || (c >= 0x2028 && c <= 0x202E) || (c >= 0x2060 && c <= 0x206F)
         || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFB)
         || (c >= 0xE0000 && c <= 0xE007F);
}

} // namespace

void sanitize_series_name(std::string& name) {
  if (name.size() > max_host_size)
    name.resize(max_host_size);
  std::string result;
  result.reserve(name.size());
  std::string_view rest{name};
  while (!rest.empty()) {
    char32_t cp = 0;
    auto len = next_code_point(rest, cp);
    if (len == 0 || hides_or_reorders(cp)) {
      result += '?';
      rest.remove_prefix(1);
      if (len > 0)
        rest.remove_prefix(len - 1);
    } else {
      result.append(rest.data(), len);
      rest.remove_prefix(len);
    }
  }
  name = std::move(result);
}

decode_error to_samples(const kafka_record& rec, std::vector<sample>& out,
                        uint64_t* skipped) {
  auto first = out.size();
  size_t skipped_lines = 0;
  auto err = decode_all(rec.value, out, nullptr, &skipped_lines);
  if (err != decode_error::none)
    return err;
  if (skipped != nullptr)
    *skipped += skipped_lines;
  for (auto i = first; i < out.size(); ++i) {
    auto& x = out[i];
    if (x.host.empty())
      x.host = rec.key.empty() ? std::string{rec.topic} : std::string{rec.key};
    // Names are drawn, logged and written to CSV: no escapes, no line
    // breaks.
    sanitize_series_name(x.host);
    for (auto& n : x.nets)
      sanitize_series_name(n.name);
    for (auto& d : x.disks)
      sanitize_series_name(d.name);
    for (auto& g : x.gpus)
      sanitize_series_name(g.name);
    // Two names that differed only in what was replaced are one now: the
    // sample contradicts itself, as if it named a device twice.
    auto twice = [](const auto& xs) {
      for (size_t a = 0; a < xs.size(); ++a)
        for (size_t b = a + 1; b < xs.size(); ++b)
          if (xs[a].name == xs[b].name)
            return true;
      return false;
    };
    if (twice(x.nets) || twice(x.disks)) {
      out.resize(first);
      return decode_error::malformed;
    }
    // The seed format carries no time: the record's timestamp (producer
    // time for a default topic) is the best there is.
    if (x.ts_ns == 0 && rec.timestamp_ms > 0
        && rec.timestamp_ms < INT64_MAX / 1000000)
      x.ts_ns = rec.timestamp_ms * 1000000;
  }
  return decode_error::none;
}

decode_error to_sample(const kafka_record& rec, sample& out) {
  std::vector<sample> xs;
  auto err = to_samples(rec, xs);
  if (err == decode_error::none && xs.empty())
    err = decode_error::missing_field;
  if (err != decode_error::none)
    return err;
  out = std::move(xs.front());
  return decode_error::none;
}

consumer_actor::behavior_type
consumer(consumer_actor::stateful_pointer<consumer_state> self,
         std::shared_ptr<kafka_consumer> kafka, consumer_config cfg,
         window_actor sink) {
  self->state.kafka = std::move(kafka);
  self->send(self, tick_atom_v);
  return {
    [=](tick_atom) {
      auto& st = self->state;
      // One message per poll, holding every sample of it: the hop to the
      // window is paid per batch, and a batch of one goes at once.
      std::vector<sample> batch;
      auto records = st.kafka->poll(cfg.poll_timeout_ms, cfg.batch,
                     [&](const kafka_record& rec) {
                       auto err = to_samples(rec, batch, &st.status.skipped);
                       if (err != decode_error::none)
                         ++st.status.malformed[static_cast<size_t>(err)];
                     });
      if (records > 0)
        st.last_heard = std::chrono::steady_clock::now();
      if (!batch.empty())
        self->send(sink, std::move(batch));
      auto now = std::chrono::steady_clock::now();
      // Not up (never reached, or lost): ask for metadata, since a quiet
      // topic, or a group still joining, delivers nothing that would say
      // the broker answers.
      if (st.kafka->health().state != broker_state::up
          && now >= st.next_probe) {
        st.next_probe = now + cfg.probe_interval;
        st.kafka->probe(cfg.probe_timeout_ms);
        now = std::chrono::steady_clock::now();
      }
      // Reading along: the cluster's answer says which brokers it lists.
      if (st.kafka->health().state == broker_state::up
          && now >= st.next_membership) {
        st.next_membership = now + cfg.membership_interval;
        st.kafka->probe(cfg.probe_timeout_ms);
        now = std::chrono::steady_clock::now();
      }
      if (st.kafka->health().state == broker_state::up
          && now - st.last_heard >= cfg.quiet_probe_interval
          && now >= st.next_probe) {
        st.next_probe = now + cfg.quiet_probe_interval;
        if (st.kafka->probe(cfg.quiet_probe_timeout_ms))
          st.last_heard = std::chrono::steady_clock::now();
        else
          st.kafka->mark_unanswered(
            "not answering: no reply to a metadata request within "
            + std::to_string(cfg.quiet_probe_timeout_ms / 1000) + " s");
        now = std::chrono::steady_clock::now();
      }
      const auto& health = st.kafka->health();
      st.status.state = health.state;
      st.status.state_age_s = st.state_age.age_s(health.state, now);
      st.status.last_error = health.last_error;
      if (auto& fatal = st.kafka->fatal_error()) {
        self->send(sink, st.status);
        self->quit(caf::make_error(errc::kafka_fatal, *fatal));
        return;
      }
      if (now >= st.next_status) {
        st.next_status = now + cfg.status_interval;
        if (st.status.malformed != st.last_sent.malformed
            || st.status.skipped != st.last_sent.skipped
            || st.status.state != st.last_sent.state
            || st.status.state_age_s != st.last_sent.state_age_s
            || st.status.last_error != st.last_sent.last_error) {
          st.last_sent = st.status;
          self->send(sink, st.status);
        }
      }
      self->send(self, tick_atom_v);
    },
    [=](stop_atom) {
      // The last counts, which the status pace may have held back.
      self->send(sink, self->state.status);
      self->quit();
    },
  };
}

} // namespace kscope
