// Kept apart from the SFML code: Xlib's macros (None, Status, ...) clash
// with SFML's names.

#include "actors/edges/display_module.hpp"

#include <X11/Xlib.h>

namespace kscope {

bool x_display_available() {
  // The probe's connection stays open for the life of the process: when the
  // last client disconnects an X server such as Xvfb resets, and SFML
  // connecting during that reset fails, which SFML answers with abort().
  static Display* const probe = XOpenDisplay(nullptr);
  return probe != nullptr;
}

} // namespace kscope
