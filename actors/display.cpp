// Kept apart from the SFML code: Xlib's macros (None, Status, ...) clash
// with SFML's names.

#include "actors/renderer.hpp"

#include <X11/Xlib.h>

namespace kscope {

bool display_available() {
  auto* dpy = XOpenDisplay(nullptr);
  if (dpy == nullptr)
    return false;
  XCloseDisplay(dpy);
  return true;
}

} // namespace kscope
