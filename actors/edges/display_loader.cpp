// The binary's side of the display module (actors/edges/display_module.hpp):
// finds kscope-display.so relative to the running binary, loads it once,
// checks that it comes from the same build, and forwards the SFML surface
// functions to it.

#include "actors/edges/display_module.hpp"

#include <climits>
#include <cstdlib>
#include <string>

#include <dlfcn.h>
#include <unistd.h>

namespace kscope {

namespace {

struct loaded_module {
  const display_module_api* api = nullptr;
  /// Why `api` is null, as one line.
  std::string error;
};

/// The folder of the running binary (/proc/self/exe), or "" if unknown.
std::string binary_dir() {
  char buf[PATH_MAX];
  auto n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0)
    return {};
  std::string path(buf, static_cast<std::size_t>(n));
  return path.substr(0, path.rfind('/'));
}

loaded_module load() {
  loaded_module result;
  auto dir = binary_dir();
  // Beside the binary (a build tree), then ../KSCOPE_MODULE_DIR (an
  // installed /usr/bin/kscope finds
  // /usr/lib/x86_64-linux-gnu/kscope/kscope-display.so).
  const std::string candidates[] = {
    dir + '/' + display_module_file,
    dir + "/../" KSCOPE_MODULE_DIR "/" + display_module_file,
  };
  for (const auto& path : candidates) {
    if (access(path.c_str(), F_OK) != 0)
      continue;
    // Never closed: the X connection and GL state it holds live for the
    // rest of the process.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      result.error = "cannot load kscope's display module: ";
      result.error += dlerror();
      return result;
    }
    auto entry = reinterpret_cast<display_module_entry>(
      dlsym(handle, display_module_symbol));
    if (entry == nullptr) {
      result.error = path + " is not kscope's display module";
      return result;
    }
    auto* api = entry();
    if (!(api->abi == display_module_abi())) {
      result.error = path + " belongs to another build of kscope ("
                     + api->kscope_version + "); this is " KSCOPE_VERSION
                     ", reinstall kscope";
      return result;
    }
    result.api = api;
    return result;
  }
  result.error = std::string{"kscope's display module "} + display_module_file
                 + " is missing (looked beside the binary and in "
                 + candidates[1].substr(0, candidates[1].rfind('/'))
                 + "); reinstall kscope, or draw with --terminal";
  return result;
}

const loaded_module& display_module() {
  static const loaded_module module = load();
  return module;
}

} // namespace

bool display_available() {
  const char* name = std::getenv("DISPLAY");
  if (name == nullptr || *name == '\0')
    return false;
  const auto& module = display_module();
  return module.api == nullptr || module.api->display_available();
}

std::unique_ptr<surface> make_window_surface(const sfml_surface_options& opts,
                                             std::string& err) {
  const auto& module = display_module();
  if (module.api == nullptr) {
    err = module.error;
    return nullptr;
  }
  return module.api->make_window(opts, err);
}

std::unique_ptr<surface>
make_offscreen_surface(const sfml_surface_options& opts, std::string& err) {
  const auto& module = display_module();
  if (module.api == nullptr) {
    err = module.error;
    return nullptr;
  }
  return module.api->make_offscreen(opts, err);
}

} // namespace kscope
