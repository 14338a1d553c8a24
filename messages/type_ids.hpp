#pragma once

// The one CAF type-ID block of kscope: every type that travels in a message
// and every atom. Register it once with
// `cfg.add_message_types<caf::id_block::kscope>()`.

#include <caf/atom.hpp>
#include <caf/type_id.hpp>

#include <vector>

#include "messages/alerts.hpp"
#include "messages/errors.hpp"
#include "messages/sample.hpp"
#include "messages/snapshot.hpp"
#include "messages/status.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(kscope, caf::first_custom_type_id)

  CAF_ADD_TYPE_ID(kscope, (kscope::sample))
  CAF_ADD_TYPE_ID(kscope, (std::vector<kscope::sample>))
  CAF_ADD_TYPE_ID(kscope, (kscope::publisher_status))
  CAF_ADD_TYPE_ID(kscope, (kscope::consumer_status))
  CAF_ADD_TYPE_ID(kscope, (kscope::snapshot))
  CAF_ADD_TYPE_ID(kscope, (kscope::viewer_status))
  CAF_ADD_TYPE_ID(kscope, (kscope::render_event))
  CAF_ADD_TYPE_ID(kscope, (std::vector<kscope::metric_reading>))
  CAF_ADD_TYPE_ID(kscope, (kscope::alert_summary))

  /// Timer tick of an actor to itself.
  CAF_ADD_ATOM(kscope, kscope, tick_atom, "tick")
  /// Asks an actor to finish its work and quit (the publisher flushes first).
  CAF_ADD_ATOM(kscope, kscope, stop_atom, "stop")
  /// A supervisor's last word to its listener, with a caf::error.
  CAF_ADD_ATOM(kscope, kscope, done_atom, "done")
  /// Carries a status struct to a status sink.
  CAF_ADD_ATOM(kscope, kscope, status_atom, "status")
  /// Supervisor-internal: respawn a child after its backoff.
  CAF_ADD_ATOM(kscope, kscope, restart_atom, "restart")
  /// Tells a publisher that samples wait in its sample_outbox.
  CAF_ADD_ATOM(kscope, kscope, outbox_atom, "outbox")

  /// A renderer asking the window for its snapshots.
  CAF_ADD_ATOM(kscope, kscope, subscribe_atom, "subscribe")
  /// A renderer asking the window to switch a panel between lines and the
  /// fleet view (key f).
  CAF_ADD_ATOM(kscope, kscope, fleet_atom, "fleet")
  /// A renderer asking the window for the fleet view's next sort order
  /// (key o).
  CAF_ADD_ATOM(kscope, kscope, sort_atom, "sort")
  /// An alerter asking the window for its readings.
  CAF_ADD_ATOM(kscope, kscope, alerts_atom, "alerts")
  /// Tells a waiting actor to begin (kscope bench's source after warm-up).
  CAF_ADD_ATOM(kscope, kscope, start_atom, "start")
  /// A second signal: give up at once, saying what is lost.
  CAF_ADD_ATOM(kscope, kscope, abort_atom, "abort")

CAF_END_TYPE_ID_BLOCK(kscope)
