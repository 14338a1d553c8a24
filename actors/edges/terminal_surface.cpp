// The terminal surface: alternate screen, raw keys, braille chart. Part of
// the kscope binary (no SFML, no X11), unlike the window and the offscreen
// surface of the display module (actors/edges/sfml_surfaces.cpp).

#include "actors/edges/surface.hpp"

#include <atomic>
#include <cstdio>

#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "actors/logic/terminal_canvas.hpp"
#include "actors/logic/text.hpp"

namespace kscope {

namespace {

/// The terminal state to restore, for restore_terminal_now(): set while a
/// terminal surface is open.
std::atomic<bool> terminal_open{false};
termios terminal_saved{};
bool terminal_raw = false;

constexpr char leave_screen[] = "\x1b[0m\x1b[?25h\x1b[?1049l";

class terminal_surface : public surface {
public:
  ~terminal_surface() override {
    restore_terminal_now();
  }

  bool open(std::string& err) {
    if (isatty(STDOUT_FILENO) != 1) {
      err = "stdout is not a terminal";
      return false;
    }
    terminal_raw = false;
    if (isatty(STDIN_FILENO) == 1
        && tcgetattr(STDIN_FILENO, &terminal_saved) == 0) {
      auto raw = terminal_saved;
      raw.c_lflag &= static_cast<tcflag_t>(~(ICANON | ECHO));
      raw.c_cc[VMIN] = 0;
      raw.c_cc[VTIME] = 0;
      terminal_raw = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
    }
    raw_ = terminal_raw;
    std::fputs("\x1b[?1049h\x1b[?25l\x1b[2J", stdout);
    std::fflush(stdout);
    terminal_open = true;
    size_ = current_size();
    return true;
  }

  double draw(const snapshot& snap, const chart_style& style) override {
    auto size = current_size();
    if (size != size_) {
      size_ = size;
      shown_.clear();
    }
    auto frame = render_terminal_frame(snap, size_.first, size_.second, style,
                                       true);
    // Only the lines that differ from what the terminal shows are written.
    std::string out;
    size_t row = 0;
    size_t begin = 0;
    if (shown_.empty())
      out += "\x1b[2J";
    while (begin <= frame.size()) {
      auto end = frame.find('\n', begin);
      if (end == std::string::npos)
        end = frame.size();
      std::string_view line{frame.data() + begin, end - begin};
      if (row >= shown_.size() || shown_[row] != line) {
        out += "\x1b[" + std::to_string(row + 1) + ";1H";
        out += line;
        out += "\x1b[K";
        if (row >= shown_.size())
          shown_.resize(row + 1);
        shown_[row] = std::string{line};
      }
      ++row;
      begin = end + 1;
    }
    if (!out.empty()) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      std::fflush(stdout);
    }
    // The same geometry the frame was rasterised from, for its time scale.
    auto geo = build_chart(snap, static_cast<float>(2 * size_.first),
                           static_cast<float>(4 * size_.second), style,
                           text_metrics{2, 4});
    return geo.layout.plot.w > 0 ? geo.span_s * 1e9 / geo.layout.plot.w : 0;
  }

  std::vector<key_action> poll_input() override {
    std::vector<key_action> result;
    if (!raw_)
      return result;
    pollfd pfd{STDIN_FILENO, POLLIN, 0};
    while (::poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN) != 0) {
      char c = 0;
      if (::read(STDIN_FILENO, &c, 1) != 1)
        break;
      switch (c) {
        case ' ':
          result.push_back(key_action::pause);
          break;
        case 's':
          result.push_back(key_action::save);
          break;
        case 'c':
          result.push_back(key_action::cycle_chart);
          break;
        case 'm':
          result.push_back(key_action::cycle_smoothing);
          break;
        case 'z':
          result.push_back(key_action::cycle_zoom);
          break;
        case 'f':
          result.push_back(key_action::toggle_fleet);
          break;
        case 'o':
          result.push_back(key_action::cycle_sort);
          break;
        case 'q':
        case '\x1b':
          result.push_back(key_action::quit);
          break;
        default:
          break;
      }
    }
    return result;
  }

  bool resized() override {
    return current_size() != size_;
  }

  bool save_png(const snapshot&, const chart_style&, const std::string&,
                std::string& err) override {
    err = "the terminal chart cannot be saved as PNG (run with a display, "
          "or use --snapshot under xvfb-run)";
    return false;
  }

private:
  static std::pair<int, int> current_size() {
    winsize ws{};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0)
      return {80, 24};
    return {ws.ws_col, ws.ws_row};
  }

  bool raw_ = false;
  std::pair<int, int> size_{80, 24};
  /// The lines the terminal shows now.
  std::vector<std::string> shown_;
};

} // namespace

void restore_terminal_now() {
  if (!terminal_open.exchange(false))
    return;
  auto n = ::write(STDOUT_FILENO, leave_screen, sizeof(leave_screen) - 1);
  static_cast<void>(n);
  if (terminal_raw)
    tcsetattr(STDIN_FILENO, TCSANOW, &terminal_saved);
}
std::unique_ptr<surface> make_terminal_surface(std::string& err) {
  auto result = std::make_unique<terminal_surface>();
  if (!result->open(err))
    return nullptr;
  return result;
}

} // namespace kscope
