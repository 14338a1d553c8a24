#include "actors/renderer.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>

#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <SFML/Graphics.hpp>

#if defined(__SANITIZE_ADDRESS__)
#  include <sanitizer/lsan_interface.h>
#  define KSCOPE_LSAN 1
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    include <sanitizer/lsan_interface.h>
#    define KSCOPE_LSAN 1
#  endif
#endif

#include "actors/terminal_canvas.hpp"

namespace kscope {

surface::~surface() {
}

std::string find_default_font() {
  for (auto path : {"/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
                    "/usr/share/fonts/dejavu/DejaVuSansMono.ttf",
                    "/usr/share/fonts/TTF/DejaVuSansMono.ttf"}) {
    if (std::ifstream{path}.good())
      return path;
  }
  return {};
}

namespace {

sf::Color to_sf(rgb x, sf::Uint8 alpha = 255) {
  return sf::Color{x.r, x.g, x.b, alpha};
}

constexpr unsigned font_size = 14;

/// While alive, LeakSanitizer ignores what this thread allocates. SFML 2.5
/// on Mesa leaks GL context buffers (14 MB for a multisampled texture) from
/// a driver that is unloaded at exit, where no suppression can name it: an
/// SFML surface holds one of these, on the main thread, for its lifetime.
/// Nothing in other builds.
struct gl_leak_exemption {
#ifdef KSCOPE_LSAN
  gl_leak_exemption() {
    __lsan_disable();
  }
  ~gl_leak_exemption() {
    __lsan_enable();
  }
  gl_leak_exemption(const gl_leak_exemption&) = delete;
  gl_leak_exemption& operator=(const gl_leak_exemption&) = delete;
#endif
};

/// Draws chart geometry and text onto any SFML render target.
class painter {
public:
  bool load_font(const std::string& path, std::string& err) {
    auto file = path.empty() ? find_default_font() : path;
    if (file.empty() || !font_.loadFromFile(file)) {
      err = "cannot load font " + (file.empty() ? "DejaVuSansMono.ttf" : file)
            + " (install fonts-dejavu-core or pass --font)";
      return false;
    }
    metrics_.char_width = font_.getGlyph('0', font_size, false).advance;
    metrics_.line_height = std::ceil(font_.getLineSpacing(font_size));
    return true;
  }

  void paint(sf::RenderTarget& target, const snapshot& snap,
             const chart_style& style) {
    auto size = target.getSize();
    auto w = static_cast<float>(size.x);
    auto h = static_cast<float>(size.y);
    // A margin around everything: the chart is laid out on the inner area
    // and the view shifts it into place.
    constexpr float pad = 8;
    target.setView(sf::View{sf::FloatRect{-pad, -pad, w, h}});
    target.clear(to_sf(style.background));
    auto geo = build_chart(snap, w - 2 * pad, h - 2 * pad, style, metrics_);
    const auto& lay = geo.layout;
    const auto& plot = lay.plot;
    // Grid and axes.
    sf::VertexArray grid{sf::Lines};
    for (auto& t : geo.y_ticks) {
      grid.append({{plot.x, t.pos}, to_sf(style.grid)});
      grid.append({{plot.x + plot.w, t.pos}, to_sf(style.grid)});
      text(target, t.label, style.foreground,
           plot.x - metrics_.char_width * (static_cast<float>(t.label.size()) + 1),
           t.pos - metrics_.line_height / 2);
    }
    for (auto& t : geo.x_ticks) {
      grid.append({{t.pos, plot.y}, to_sf(style.grid)});
      grid.append({{t.pos, plot.y + plot.h}, to_sf(style.grid)});
      auto tw = metrics_.char_width * static_cast<float>(t.label.size());
      auto x = std::min(std::max(t.pos - tw / 2, plot.x - tw / 2),
                        lay.canvas.w - tw);
      text(target, t.label, style.foreground, x, plot.y + plot.h + 2);
    }
    target.draw(grid);
    sf::RectangleShape frame{{plot.w, plot.h}};
    frame.setPosition(plot.x, plot.y);
    frame.setFillColor(sf::Color::Transparent);
    frame.setOutlineColor(to_sf(style.foreground, 160));
    frame.setOutlineThickness(1);
    target.draw(frame);
    // Series.
    for (auto& s : geo.series) {
      auto color = series_color(s.color_index, style.palette);
      if (style.type == chart_type::bar) {
        sf::VertexArray bars{sf::Triangles};
        for (auto& b : s.bars)
          quad_at(bars, {b.x, b.y}, {b.x + b.w, b.y}, {b.x + b.w, b.y + b.h},
               {b.x, b.y + b.h}, to_sf(color, 200));
        target.draw(bars);
        continue;
      }
      if (style.type == chart_type::area) {
        sf::VertexArray fill{sf::Triangles};
        for (auto& seg : s.segments)
          for (size_t i = 1; i < seg.size(); ++i)
            quad_at(fill, seg[i - 1], seg[i], {seg[i].x, geo.baseline_y},
                 {seg[i - 1].x, geo.baseline_y}, to_sf(color, 90));
        target.draw(fill);
      }
      sf::VertexArray lines{sf::Triangles};
      for (auto& seg : s.segments) {
        if (seg.size() == 1)
          quad_at(lines, {seg[0].x - 1.5f, seg[0].y - 1.5f},
               {seg[0].x + 1.5f, seg[0].y - 1.5f},
               {seg[0].x + 1.5f, seg[0].y + 1.5f},
               {seg[0].x - 1.5f, seg[0].y + 1.5f}, to_sf(color));
        for (size_t i = 1; i < seg.size(); ++i)
          thick_line(lines, seg[i - 1], seg[i], 2.0f, to_sf(color));
      }
      target.draw(lines);
    }
    // Text: title, labels, legend, readout, status.
    text(target, style.title, style.foreground, lay.title.x, lay.title.y,
         true);
    text(target, style.y_label, style.foreground, lay.legend.x, lay.legend.y);
    auto legend_x = lay.legend.x
                    + metrics_.char_width
                        * static_cast<float>(style.y_label.size() + 3);
    for (auto& s : snap.series) {
      auto color = series_color(s.color_index, style.palette);
      sf::RectangleShape swatch{{metrics_.char_width, metrics_.char_width}};
      swatch.setPosition(legend_x, lay.legend.y + metrics_.line_height / 4);
      swatch.setFillColor(to_sf(color));
      target.draw(swatch);
      text(target, s.name, style.foreground,
           legend_x + metrics_.char_width * 1.5f, lay.legend.y);
      legend_x += metrics_.char_width * static_cast<float>(s.name.size() + 4);
    }
    auto xl = metrics_.char_width * static_cast<float>(style.x_label.size());
    text(target, style.x_label, style.foreground,
         plot.x + plot.w - xl, plot.y + plot.h + metrics_.line_height + 2);
    auto y = lay.readout.y;
    for (size_t i = 0; i < snap.series.size() && i < 8; ++i) {
      auto& s = snap.series[i];
      text(target, readout_line(s),
           series_color(s.color_index, style.palette), lay.readout.x, y);
      y += metrics_.line_height;
    }
    text(target, status_text(snap.status), style.foreground, lay.status.x,
         lay.status.y);
  }

private:
  void text(sf::RenderTarget& target, const std::string& str, rgb color,
            float x, float y, bool bold = false) {
    sf::Text t{sf::String::fromUtf8(str.begin(), str.end()), font_,
               font_size};
    t.setFillColor(to_sf(color));
    if (bold)
      t.setStyle(sf::Text::Bold);
    t.setPosition(std::round(x), std::round(y));
    target.draw(t);
  }

  static void quad(sf::VertexArray& va, sf::Vector2f a, sf::Vector2f b,
                   sf::Vector2f c, sf::Vector2f d, sf::Color color) {
    va.append({a, color});
    va.append({b, color});
    va.append({c, color});
    va.append({a, color});
    va.append({c, color});
    va.append({d, color});
  }

  static void quad_at(sf::VertexArray& va, vec2 a, vec2 b, vec2 c, vec2 d,
                      sf::Color color) {
    quad(va, sf::Vector2f{a.x, a.y}, sf::Vector2f{b.x, b.y},
         sf::Vector2f{c.x, c.y}, sf::Vector2f{d.x, d.y}, color);
  }

  static void thick_line(sf::VertexArray& va, vec2 a, vec2 b, float width,
                         sf::Color color) {
    auto dx = b.x - a.x;
    auto dy = b.y - a.y;
    auto len = std::sqrt(dx * dx + dy * dy);
    if (len < 1e-3f)
      return;
    auto nx = -dy / len * width / 2;
    auto ny = dx / len * width / 2;
    quad_at(va, vec2{a.x + nx, a.y + ny}, vec2{b.x + nx, b.y + ny},
         vec2{b.x - nx, b.y - ny}, vec2{a.x - nx, a.y - ny}, color);
  }

  sf::Font font_;
  text_metrics metrics_;
};

class window_surface : public surface {
public:
  bool open(unsigned width, unsigned height, const std::string& font,
            std::string& err) {
    if (!painter_.load_font(font, err))
      return false;
    sf::ContextSettings settings;
    settings.antialiasingLevel = 4;
    window_.create(sf::VideoMode{width, height}, "kscope", sf::Style::Default,
                   settings);
    return true;
  }

  void draw(const snapshot& snap, const chart_style& style) override {
    painter_.paint(window_, snap, style);
    // Captured before display(): the back buffer holds this frame.
    last_.create(window_.getSize().x, window_.getSize().y);
    last_.update(window_);
    window_.display();
    resized_ = false;
  }

  std::vector<key_action> poll_input() override {
    std::vector<key_action> result;
    sf::Event ev;
    while (window_.pollEvent(ev)) {
      switch (ev.type) {
        case sf::Event::Closed:
          result.push_back(key_action::quit);
          break;
        case sf::Event::Resized:
          resized_ = true;
          break;
        case sf::Event::KeyPressed:
          switch (ev.key.code) {
            case sf::Keyboard::Space:
              result.push_back(key_action::pause);
              break;
            case sf::Keyboard::S:
              result.push_back(key_action::save);
              break;
            case sf::Keyboard::C:
              result.push_back(key_action::cycle_chart);
              break;
            case sf::Keyboard::M:
              result.push_back(key_action::cycle_smoothing);
              break;
            case sf::Keyboard::Q:
            case sf::Keyboard::Escape:
              result.push_back(key_action::quit);
              break;
            default:
              break;
          }
          break;
        default:
          break;
      }
    }
    return result;
  }

  bool resized() override {
    return resized_;
  }

  bool save_png(const std::string& path, std::string& err) override {
    if (last_.getSize().x == 0 || !last_.copyToImage().saveToFile(path)) {
      err = "cannot write " + path;
      return false;
    }
    return true;
  }

private:
  // First: outlives every SFML object of the surface.
  gl_leak_exemption exemption_;
  painter painter_;
  sf::RenderWindow window_;
  sf::Texture last_;
  bool resized_ = false;
};

class offscreen_surface : public surface {
public:
  bool open(unsigned width, unsigned height, const std::string& font,
            std::string& err) {
    if (!painter_.load_font(font, err))
      return false;
    sf::ContextSettings settings;
    settings.antialiasingLevel = 4;
    if (!texture_.create(width, height, settings)) {
      err = "cannot create an offscreen texture";
      return false;
    }
    return true;
  }

  void draw(const snapshot& snap, const chart_style& style) override {
    painter_.paint(texture_, snap, style);
    texture_.display();
  }

  std::vector<key_action> poll_input() override {
    return {};
  }

  bool resized() override {
    return false;
  }

  bool save_png(const std::string& path, std::string& err) override {
    if (!texture_.getTexture().copyToImage().saveToFile(path)) {
      err = "cannot write " + path;
      return false;
    }
    return true;
  }

private:
  // First: outlives every SFML object of the surface.
  gl_leak_exemption exemption_;
  painter painter_;
  sf::RenderTexture texture_;
};

class terminal_surface : public surface {
public:
  ~terminal_surface() override {
    std::fputs("\x1b[0m\x1b[?25h\x1b[?1049l", stdout);
    std::fflush(stdout);
    if (raw_)
      tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }

  bool open(std::string& err) {
    if (isatty(STDOUT_FILENO) != 1) {
      err = "stdout is not a terminal";
      return false;
    }
    if (isatty(STDIN_FILENO) == 1 && tcgetattr(STDIN_FILENO, &saved_) == 0) {
      auto raw = saved_;
      raw.c_lflag &= static_cast<tcflag_t>(~(ICANON | ECHO));
      raw.c_cc[VMIN] = 0;
      raw.c_cc[VTIME] = 0;
      raw_ = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
    }
    std::fputs("\x1b[?1049h\x1b[?25l\x1b[2J", stdout);
    std::fflush(stdout);
    size_ = current_size();
    return true;
  }

  void draw(const snapshot& snap, const chart_style& style) override {
    size_ = current_size();
    auto frame = render_terminal_frame(snap, size_.first, size_.second, style,
                                       true);
    std::string out = "\x1b[H";
    out += frame;
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
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

  bool save_png(const std::string&, std::string& err) override {
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

  termios saved_{};
  bool raw_ = false;
  std::pair<int, int> size_{80, 24};
};

} // namespace

std::unique_ptr<surface> make_window_surface(unsigned width, unsigned height,
                                             const std::string& font_path,
                                             std::string& err) {
  if (!display_available()) {
    err = "no X display";
    return nullptr;
  }
  auto result = std::make_unique<window_surface>();
  if (!result->open(width, height, font_path, err))
    return nullptr;
  return result;
}

std::unique_ptr<surface> make_offscreen_surface(unsigned width,
                                                unsigned height,
                                                const std::string& font_path,
                                                std::string& err) {
  if (!display_available()) {
    err = "--snapshot needs an X display for SFML (run it under xvfb-run -a)";
    return nullptr;
  }
  auto result = std::make_unique<offscreen_surface>();
  if (!result->open(width, height, font_path, err))
    return nullptr;
  return result;
}

std::unique_ptr<surface> make_terminal_surface(std::string& err) {
  auto result = std::make_unique<terminal_surface>();
  if (!result->open(err))
    return nullptr;
  return result;
}

} // namespace kscope
