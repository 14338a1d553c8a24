#pragma once

// The protocol of every actor as a typed handle: what each one takes. A
// message an actor does not take is a compile error at the sender. Timer
// ticks an actor sends itself are part of its interface (CAF checks
// self-sends too). The supervisor alone stays dynamically typed: it starts
// and stops children of any interface.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/error.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "messages/type_ids.hpp"

namespace kscope {

/// Takes `publisher_status` (the reporter, a benchmark, a test).
using publisher_status_sink
  = caf::typed_actor<caf::reacts_to<publisher_status>>;

/// Takes `viewer_status` (the reporter, a benchmark).
using viewer_status_sink = caf::typed_actor<caf::reacts_to<viewer_status>>;

/// Takes `render_event` (the reporter).
using render_event_sink = caf::typed_actor<caf::reacts_to<render_event>>;

/// Takes snapshots: a renderer.
using snapshot_sink = caf::typed_actor<caf::reacts_to<snapshot>>;

/// Hands its snapshots to whoever sends `subscribe_atom`, and switches the
/// view on `fleet_atom` and `sort_atom`: the window.
using snapshot_source
  = caf::typed_actor<caf::reacts_to<subscribe_atom>, caf::reacts_to<fleet_atom>,
                     caf::reacts_to<sort_atom>>;

/// The sampler: its timer and an orderly stop.
using sampler_actor
  = caf::typed_actor<caf::reacts_to<tick_atom>, caf::reacts_to<stop_atom>>;

/// The publisher: samples, a wake-up when samples wait in its outbox, its
/// timer (with the timer's generation) and an orderly stop with a flush.
using publisher_actor
  = caf::typed_actor<caf::reacts_to<sample>,
                     caf::reacts_to<std::vector<sample>>,
                     caf::reacts_to<outbox_atom>,
                     caf::reacts_to<tick_atom, uint64_t>,
                     caf::reacts_to<stop_atom>>;

/// The consumer: its poll loop's tick and an orderly stop.
using consumer_actor
  = caf::typed_actor<caf::reacts_to<tick_atom>, caf::reacts_to<stop_atom>>;

/// The window: samples (one or a poll's batch) and the consumer's status
/// in, its timer, a renderer
/// subscribing, an orderly stop.
using window_actor
  = caf::typed_actor<caf::reacts_to<sample>,
                     caf::reacts_to<std::vector<sample>>,
                     caf::reacts_to<consumer_status>,
                     caf::reacts_to<alert_summary>,
                     caf::reacts_to<alerts_atom>,
                     caf::reacts_to<tick_atom>, caf::reacts_to<subscribe_atom>,
                     caf::reacts_to<fleet_atom>, caf::reacts_to<sort_atom>,
                     caf::reacts_to<stop_atom>>;

/// The alerter: the window's readings, its timer, an orderly stop (which
/// flushes the alert topic).
using alerter_actor
  = caf::typed_actor<caf::reacts_to<std::vector<metric_reading>>,
                     caf::reacts_to<tick_atom>, caf::reacts_to<stop_atom>>;
/// The renderer: snapshots, its frame timer, an orderly stop (which writes
/// --snapshot's PNG).
using renderer_actor
  = snapshot_sink::extend<caf::reacts_to<tick_atom>, caf::reacts_to<stop_atom>>;

/// The reporter: the supervisor to stop, every status, log lines, render
/// events, a stop or abort from main, and the supervisor's outcome.
using reporter_actor = caf::typed_actor<
  caf::reacts_to<caf::actor>, caf::reacts_to<publisher_status>,
  caf::reacts_to<viewer_status>, caf::reacts_to<tick_atom>,
  caf::reacts_to<status_atom, std::string>, caf::reacts_to<render_event>,
  caf::reacts_to<stop_atom, std::string>, caf::reacts_to<abort_atom>,
  caf::reacts_to<done_atom, caf::error>>;

} // namespace kscope
