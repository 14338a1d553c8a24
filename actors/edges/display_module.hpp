#pragma once

// The display module: kscope's SFML window and offscreen surface, built as
// a shared object (kscope-display.so) that the kscope binary loads with
// dlopen only when a viewer role opens a window or a snapshot. A producer
// node or a broker therefore maps no SFML, OpenGL or X11 library.
//
// The binary looks for the module beside itself (a build tree) and in
// ../lib/<multiarch>/kscope/ (an installed /usr/bin/kscope); see
// display_loader.cpp.
// Both sides are built from this tree together; the ABI record below makes
// a module from another build refuse to load rather than crash.

#include <cstddef>
#include <memory>
#include <string>

#include "actors/edges/surface.hpp"

namespace kscope {

/// What the module gives the binary: its build's identity, then its entry
/// points.
struct display_module_api {
  /// Equal on both sides, or the module is refused.
  struct abi_record {
    unsigned version;
    std::size_t snapshot_size;
    std::size_t style_size;
    std::size_t options_size;
    std::size_t string_size;
    bool operator==(const abi_record& other) const {
      return version == other.version && snapshot_size == other.snapshot_size
             && style_size == other.style_size
             && options_size == other.options_size
             && string_size == other.string_size;
    }
  };
  abi_record abi;
  /// kscope's version, for the refusal message.
  const char* kscope_version;
  /// True when an X display can be opened (see display_available()).
  bool (*display_available)();
  std::unique_ptr<surface> (*make_window)(const sfml_surface_options&,
                                          std::string&);
  std::unique_ptr<surface> (*make_offscreen)(const sfml_surface_options&,
                                             std::string&);
};

/// Bumped when display_module_api or the surface interface changes.
constexpr unsigned display_module_abi_version = 1;

/// This build's record.
constexpr display_module_api::abi_record display_module_abi() {
  return {display_module_abi_version, sizeof(snapshot), sizeof(chart_style),
          sizeof(sfml_surface_options), sizeof(std::string)};
}

/// The file name of the module, and the one symbol it exports: a function
/// returning its display_module_api.
constexpr const char* display_module_file = "kscope-display.so";
constexpr const char* display_module_symbol = "kscope_display_module_v1";
using display_module_entry = const display_module_api* (*)();

/// Module side: Xlib's probe for a display (actors/edges/display.cpp).
bool x_display_available();

} // namespace kscope
